package dev.cairn.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * TEMPORARY stand-in until the real lexer lands: splits on semicolons outside quotes only.
 */
public final class SqlScript {

	private final String name;

	private final String text;

	private final List<SqlStatement> statements;

	private final boolean transactional;

	private SqlScript(String name, String text, List<SqlStatement> statements, boolean transactional) {
		this.name = name;
		this.text = text;
		this.statements = statements;
		this.transactional = transactional;
	}

	public static SqlScript parse(String name, String text) {
		List<SqlStatement> statements = new ArrayList<>();
		int start = 0;
		boolean quote = false;
		String dollar = null;
		for (int i = 0; i <= text.length(); i++) {
			char c = (i < text.length()) ? text.charAt(i) : ';';
			if (dollar != null) {
				if (text.startsWith(dollar, i)) {
					i += dollar.length() - 1;
					dollar = null;
				}
				continue;
			}
			if (quote) {
				quote = c != '\'';
				continue;
			}
			if (c == '\'') {
				quote = true;
			}
			else if (c == '$' && text.startsWith("$$", i)) {
				dollar = "$$";
				i++;
			}
			else if (c == '-' && text.startsWith("--", i)) {
				int end = text.indexOf('\n', i);
				i = (end < 0) ? text.length() - 1 : end;
			}
			else if (c == ';') {
				int from = start;
				while (from < i && Character.isWhitespace(text.charAt(from))) {
					from++;
				}
				while (from < i && text.startsWith("--", from)) {
					int end = text.indexOf('\n', from);
					from = (end < 0) ? i : end + 1;
					while (from < i && Character.isWhitespace(text.charAt(from))) {
						from++;
					}
				}
				if (from < i) {
					int[] position = lineAndColumn(text, from);
					statements.add(new SqlStatement(text.substring(from, i), from, position[0], position[1], null));
				}
				start = i + 1;
			}
		}
		return new SqlScript(name, text, statements, !MigrationSource.hasNoTransactionDirective(text));
	}

	public static int[] lineAndColumn(String text, int offset) {
		int line = 1;
		int lineStart = 0;
		for (int i = 0; i < offset; i++) {
			if (text.charAt(i) == '\n') {
				line++;
				lineStart = i + 1;
			}
		}
		return new int[] { line, offset - lineStart + 1 };
	}

	public String excerpt(int offset) {
		int[] position = lineAndColumn(this.text, offset);
		int lineStart = offset - position[1] + 1;
		int lineEnd = this.text.indexOf('\n', lineStart);
		String line = this.text.substring(lineStart, (lineEnd < 0) ? this.text.length() : lineEnd).stripTrailing();
		String number = String.valueOf(position[0]);
		return String.format("%4s | %s%n%4s | %s^", number, line, "", " ".repeat(position[1] - 1));
	}

	public String name() {
		return this.name;
	}

	public List<SqlStatement> statements() {
		return this.statements;
	}

	public boolean transactional() {
		return this.transactional;
	}

	public @Nullable Duration lockTimeout() {
		return null;
	}

	public @Nullable Duration statementTimeout() {
		return null;
	}

}
