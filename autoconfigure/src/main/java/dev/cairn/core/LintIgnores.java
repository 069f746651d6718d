package dev.cairn.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code -- cairn:lint-ignore <rule> <reason>} comments of one file: those before its
 * first statement silence a rule for the whole file, the others silence it for the
 * statement right below them (other comment lines may stand between). One without a known
 * rule or without a reason silences nothing and is a finding itself.
 */
final class LintIgnores {

	private static final String DIRECTIVE = "cairn:lint-ignore";

	private final Set<LintRule> wholeFile = EnumSet.noneOf(LintRule.class);

	private final Map<Integer, Set<LintRule>> byLine = new HashMap<>();

	private final String[] lines;

	private LintIgnores(String[] lines) {
		this.lines = lines;
	}

	static LintIgnores of(SqlScript script, List<LintFinding> findings) {
		String text = script.text();
		if (!text.contains(DIRECTIVE)) {
			// Most files, and a large dump's every line: nothing to split.
			return new LintIgnores(new String[0]);
		}
		LintIgnores ignores = new LintIgnores(text.split("\r\n|\r|\n", -1));
		List<Integer> comments = new ArrayList<>();
		SqlLexer.split(text, comments::add);
		int sqlStart = script.statements().isEmpty() ? text.length() : script.statements().get(0).offset();
		for (int offset : comments) {
			int from = offset + 2;
			int to = from;
			while (to < text.length() && text.charAt(to) != '\n' && text.charAt(to) != '\r') {
				to++;
			}
			String comment = text.substring(from, to).strip();
			if (!comment.startsWith(DIRECTIVE) || (comment.length() > DIRECTIVE.length()
					&& !Character.isWhitespace(comment.charAt(DIRECTIVE.length())))) {
				continue;
			}
			String[] parts = comment.substring(DIRECTIVE.length()).strip().split("\\s+", 2);
			String problem = null;
			EnumSet<LintRule> rules = EnumSet.noneOf(LintRule.class);
			for (String id : parts[0].split(",")) {
				LintRule rule = LintRule.byId(id.strip());
				if (rule == null || rule == LintRule.LINT_IGNORE_INVALID) {
					problem = parts[0].isEmpty() ? "\"-- " + DIRECTIVE + "\" names no rule, so it silences nothing."
							: "\"-- " + DIRECTIVE + " " + parts[0] + "\" names no known rule (\"" + id.strip()
									+ "\"), so it silences nothing.";
					break;
				}
				rules.add(rule);
			}
			if (problem == null && (parts.length < 2 || parts[1].isBlank())) {
				problem = "\"-- " + DIRECTIVE + " " + parts[0] + "\" gives no reason, so it silences nothing; the "
						+ "reason tells the next reader why the finding does not apply.";
			}
			if (problem != null) {
				SqlScript.Position position = script.position(offset);
				findings.add(new LintFinding(LintRule.LINT_IGNORE_INVALID, script.name(), position.line(),
						position.column(), position.excerpt(), problem));
			}
			else if (offset < sqlStart) {
				ignores.wholeFile.addAll(rules);
			}
			else {
				ignores.byLine
					.computeIfAbsent(SqlLexer.lineAndColumn(text, offset)[0], (line) -> EnumSet.noneOf(LintRule.class))
					.addAll(rules);
			}
		}
		return ignores;
	}

	boolean silences(LintRule rule, SqlStatement statement) {
		if (this.wholeFile.contains(rule)) {
			return true;
		}
		if (this.byLine.isEmpty()) {
			return false;
		}
		for (int line = statement.line() - 1; line >= 1; line--) {
			Set<LintRule> rules = this.byLine.get(line);
			if (rules != null && rules.contains(rule)) {
				return true;
			}
			if (rules == null && !this.lines[line - 1].strip().startsWith("--")) {
				return false;
			}
		}
		return false;
	}

}
