package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The tokens of one statement as the linter reads them: words upper-cased, quoted
 * identifiers as written, string and dollar-quoted literals and comments dropped, each
 * token with its offset in the statement and its parenthesis depth.
 */
final class LintTokens {

	/** A word, a quoted identifier, a number or a symbol. */
	record Token(String text, boolean quoted, int start, int depth) {

		boolean is(String word) {
			return !this.quoted && this.text.equals(word);
		}

		/** Returns the name as PostgreSQL folds it: unquoted names lower-cased. */
		String name() {
			return this.quoted ? this.text : this.text.toLowerCase(Locale.ROOT);
		}

	}

	private LintTokens() {
	}

	static List<Token> of(String sql) {
		List<Token> tokens = new ArrayList<>();
		int depth = 0;
		int i = 0;
		int length = sql.length();
		while (i < length) {
			char c = sql.charAt(i);
			char next = (i + 1 < length) ? sql.charAt(i + 1) : '\0';
			if (SqlChars.isSpace(c)) {
				i++;
			}
			else if (c == '-' && next == '-') {
				while (i < length && sql.charAt(i) != '\n') {
					i++;
				}
			}
			else if (c == '/' && next == '*') {
				int end = SqlChars.blockCommentEnd(sql, i);
				i = (end < 0) ? length : end;
			}
			else if (c == '\'') {
				i = quoteEnd(sql, i, '\'', false);
			}
			else if ((c == 'E' || c == 'e') && next == '\'') {
				i = quoteEnd(sql, i + 1, '\'', true);
			}
			else if (c == '"') {
				int end = quoteEnd(sql, i, '"', false);
				tokens.add(new Token(sql.substring(i + 1, Math.max(i + 1, end - 1)).replace("\"\"", "\""), true, i,
						depth));
				i = end;
			}
			else if (c == '$' && dollarTagEnd(sql, i) > 0) {
				int tagEnd = dollarTagEnd(sql, i);
				String tag = sql.substring(i, tagEnd);
				int close = sql.indexOf(tag, tagEnd);
				i = (close < 0) ? length : close + tag.length();
			}
			else if (SqlChars.isIdentifierStart(c)) {
				int end = SqlChars.identifierEnd(sql, i);
				tokens.add(new Token(sql.substring(i, end).toUpperCase(Locale.ROOT), false, i, depth));
				i = end;
			}
			else if (c >= '0' && c <= '9') {
				int end = i;
				while (end < length && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '.')) {
					end++;
				}
				tokens.add(new Token(sql.substring(i, end), false, i, depth));
				i = end;
			}
			else {
				if (c == ')') {
					depth = Math.max(0, depth - 1);
				}
				tokens.add(new Token(String.valueOf(c), false, i, depth));
				if (c == '(') {
					depth++;
				}
				i++;
			}
		}
		return tokens;
	}

	private static int quoteEnd(String sql, int open, char quote, boolean backslashEscapes) {
		int i = open + 1;
		while (i < sql.length()) {
			char c = sql.charAt(i);
			if (backslashEscapes && c == '\\') {
				i += 2;
			}
			else if (c == quote) {
				if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
					i += 2;
				}
				else {
					return i + 1;
				}
			}
			else {
				i++;
			}
		}
		return sql.length();
	}

	/**
	 * Returns the offset just past a {@code $tag$} opening at {@code from}, or -1 when
	 * there is none.
	 */
	private static int dollarTagEnd(String sql, int from) {
		int i = from + 1;
		while (i < sql.length() && sql.charAt(i) != '$') {
			char c = sql.charAt(i);
			boolean part = (i == from + 1) ? SqlChars.isIdentifierStart(c)
					: SqlChars.isIdentifierStart(c) || (c >= '0' && c <= '9');
			if (!part) {
				return -1;
			}
			i++;
		}
		return (i < sql.length()) ? i + 1 : -1;
	}

	static boolean at(List<Token> tokens, int index, String word) {
		return index < tokens.size() && tokens.get(index).is(word);
	}

	static int skipIfExists(List<Token> t, int i, boolean not) {
		if (not && at(t, i, "IF") && at(t, i + 1, "NOT") && at(t, i + 2, "EXISTS")) {
			return i + 3;
		}
		return (!not && at(t, i, "IF") && at(t, i + 1, "EXISTS")) ? i + 2 : i;
	}

	static boolean containsWord(List<Token> tokens, String word) {
		for (Token token : tokens) {
			if (token.depth() == 0 && token.is(word)) {
				return true;
			}
		}
		return false;
	}

	static boolean containsPair(List<Token> tokens, String first, String second) {
		for (int i = 0; i + 1 < tokens.size(); i++) {
			if (tokens.get(i).is(first) && tokens.get(i + 1).is(second)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Splits tokens from {@code from} on the commas at {@code depth}, ending at a closing
	 * parenthesis above it.
	 */
	static List<List<Token>> split(List<Token> tokens, int from, int depth) {
		List<List<Token>> parts = new ArrayList<>();
		List<Token> part = new ArrayList<>();
		for (int i = from; i < tokens.size(); i++) {
			Token token = tokens.get(i);
			if (token.depth() < depth) {
				break;
			}
			if (token.depth() == depth && token.is(",")) {
				parts.add(part);
				part = new ArrayList<>();
			}
			else {
				part.add(token);
			}
		}
		parts.add(part);
		parts.removeIf(List::isEmpty);
		return parts;
	}

	/**
	 * Reads a possibly schema-qualified name and keeps its last part, which is what
	 * tables are told apart by.
	 */
	static @Nullable Name name(List<Token> t, int i) {
		if (i >= t.size() || !isName(t.get(i))) {
			return null;
		}
		String name = t.get(i).name();
		int next = i + 1;
		while (at(t, next, ".") && next + 1 < t.size() && isName(t.get(next + 1))) {
			name = t.get(next + 1).name();
			next += 2;
		}
		return new Name(name, next);
	}

	static boolean isName(Token token) {
		char c = token.text().isEmpty() ? ' ' : token.text().charAt(0);
		return token.quoted() || SqlChars.isIdentifierStart(c);
	}

	record Name(String name, int next) {

	}

}
