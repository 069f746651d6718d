package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Lints migration files for statements that lock or rewrite busy tables; see
 * {@link LintRule} for what it finds.
 */
public final class Lint {

	private static final Log logger = LogFactory.getLog(Lint.class);

	private Lint() {
	}

	/**
	 * Lints one migration file.
	 * @param scriptName the file name, used in findings
	 * @param text the file text, without a byte order mark
	 * @return the findings in file order
	 * @throws MigrationException when the file is one Cairn would refuse to run
	 */
	public static List<LintFinding> lint(String scriptName, String text) {
		return Linter.lint(SqlScript.parse(scriptName, text));
	}

	static List<LintFinding> lint(SqlScript script) {
		return Linter.lint(script);
	}

	/**
	 * Lints the pending migrations of a run, already parsed, before any of them is
	 * applied: logs every finding, and in {@link LintMode#FAIL} refuses the run when one
	 * is an error.
	 */
	static void beforeApplying(LintMode mode, List<@Nullable SqlScript> scripts) {
		if (mode == LintMode.OFF) {
			return;
		}
		List<LintFinding> errors = new ArrayList<>();
		for (SqlScript script : scripts) {
			if (script == null) {
				continue;
			}
			for (LintFinding finding : Linter.lint(script)) {
				boolean error = finding.rule().severity() == LintRule.Severity.ERROR;
				if (mode == LintMode.FAIL && error) {
					errors.add(finding);
				}
				else {
					logger.warn("Lint " + finding.summary());
				}
			}
		}
		if (!errors.isEmpty()) {
			StringBuilder message = new StringBuilder("Nothing was applied: lint found ").append(errors.size())
				.append((errors.size() == 1) ? " problem" : " problems")
				.append(" in the pending migrations (cairn.lint=fail):");
			for (LintFinding finding : errors) {
				message.append("\n- ").append(finding.summary());
			}
			message.append("\nRewrite the statements as docs/lint.md describes, silence one with "
					+ "\"-- cairn:lint-ignore <rule> <reason>\" on the line above it, or set cairn.lint=warn.");
			LintFinding first = errors.get(0);
			throw MigrationException.inFile(first.script(), first.line(), first.column(), message.toString());
		}
	}

}
