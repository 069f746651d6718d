package dev.cairn.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cairn.core.LintTokens.Token;

/**
 * What the linter knows of one file as it reads it statement by statement: the tables the
 * file created or validated, the tables it locks exclusively, the statement being read,
 * and the findings so far.
 */
final class LintState {

	static final Set<String> TABLE_CONSTRAINTS = Set.of("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN",
			"EXCLUDE");

	final SqlScript script;

	final List<LintFinding> findings = new ArrayList<>();

	final LintIgnores ignores;

	final Set<String> created = new HashSet<>();

	final Set<String> validated = new HashSet<>();

	final Map<String, Integer> exclusive = new LinkedHashMap<>();

	SqlStatement statement = new SqlStatement("", 0, 1, 1, null);

	LintState(SqlScript script) {
		this.script = script;
		this.ignores = LintIgnores.of(script, this.findings);
	}

	void hit(LintRule rule, Token token, String subject) {
		report(rule, this.statement, this.statement.offset() + token.start(), subject);
	}

	void report(LintRule rule, SqlStatement at, int offset, String subject) {
		if (this.ignores.silences(rule, at)) {
			return;
		}
		SqlScript.Position position = this.script.position(offset);
		this.findings.add(new LintFinding(rule, this.script.name(), position.line(), position.column(),
				position.excerpt(), rule.harm(subject)));
	}

}
