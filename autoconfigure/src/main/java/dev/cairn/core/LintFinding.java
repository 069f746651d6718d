package dev.cairn.core;

/**
 * One lint finding in a migration file.
 *
 * @param rule the rule that found it
 * @param script the file name
 * @param line the 1-based line of the statement (or directive) it is about
 * @param column the 1-based column
 * @param excerpt the line with a caret under the column, as
 * {@link SqlScript.Position#excerpt()} shows it
 * @param harm one sentence on what goes wrong
 */
public record LintFinding(LintRule rule, String script, int line, int column, String excerpt, String harm) {

	/**
	 * Returns the one-line form logged at startup.
	 * @return {@code file:line: rule (severity): harm}
	 */
	public String summary() {
		return this.script + ":" + this.line + ": " + this.rule.id() + " (" + severity() + "): " + this.harm;
	}

	/**
	 * Returns the full form the build prints: position, rule, harm, the line with a
	 * caret, the fix and how to silence it.
	 * @return several lines, without a trailing newline
	 */
	public String describe() {
		String silence = (this.rule == LintRule.LINT_IGNORE_INVALID) ? ""
				: "\n  To silence it, put \"-- cairn:lint-ignore " + this.rule.id()
						+ " <reason>\" on the line above the statement.";
		return this.script + ":" + this.line + ":" + this.column + ": " + severity() + " " + this.rule.id() + ": "
				+ this.harm + "\n" + this.excerpt + "\n  Instead: " + this.rule.fix() + silence;
	}

	private String severity() {
		return this.rule.severity().name().toLowerCase(java.util.Locale.ROOT);
	}

}
