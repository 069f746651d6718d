package dev.cairn.core;

/**
 * The character classes and comment rules of PostgreSQL's SQL text that the lexer and the
 * keyword reader share.
 */
final class SqlChars {

	private SqlChars() {
	}

	/**
	 * Returns the offset just past a block comment that starts at {@code from}, or -1
	 * when it never ends.
	 */
	static int blockCommentEnd(String text, int from) {
		int depth = 0;
		int i = from;
		while (i + 1 < text.length()) {
			char c = text.charAt(i);
			char next = text.charAt(i + 1);
			if (c == '/' && next == '*') {
				depth++;
				i += 2;
			}
			else if (c == '*' && next == '/') {
				i += 2;
				if (--depth == 0) {
					return i;
				}
			}
			else {
				i++;
			}
		}
		return -1;
	}

	static int identifierEnd(String text, int from) {
		int i = from + 1;
		while (i < text.length() && isIdentifierPart(text.charAt(i))) {
			i++;
		}
		return i;
	}

	// PostgreSQL takes every non-ASCII character as a letter.
	static boolean isIdentifierStart(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
	}

	static boolean isIdentifierPart(char c) {
		return isIdentifierStart(c) || (c >= '0' && c <= '9') || c == '$';
	}

	static boolean isNumberPart(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
	}

	static boolean isSpace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
	}

	static boolean isNewline(char c) {
		return c == '\n' || c == '\r';
	}

}
