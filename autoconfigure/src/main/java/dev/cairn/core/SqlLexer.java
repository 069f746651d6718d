package dev.cairn.core;

import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

import static dev.cairn.core.SqlChars.blockCommentEnd;
import static dev.cairn.core.SqlChars.identifierEnd;
import static dev.cairn.core.SqlChars.isIdentifierPart;
import static dev.cairn.core.SqlChars.isIdentifierStart;
import static dev.cairn.core.SqlChars.isNewline;
import static dev.cairn.core.SqlChars.isNumberPart;
import static dev.cairn.core.SqlChars.isSpace;

/**
 * Splits PostgreSQL SQL text into its top-level statements the way {@code psql} does.
 * <p>
 * One pass, left to right, without backtracking: quoted strings ({@code '…'} with
 * {@code ''}, {@code E'…'} with backslash escapes, {@code U&'…'}), quoted identifiers,
 * dollar quotes and comments (block comments nest) are skipped whole, so a semicolon ends
 * a statement only outside them, outside parentheses, and outside the
 * {@code BEGIN ATOMIC … END} body of a function or procedure. Like psql, that body is
 * found by counting the words {@code BEGIN}, {@code CASE} and {@code END} once a
 * statement starts with {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE}. Plain strings
 * follow {@code standard_conforming_strings = on}, so a backslash in them is an ordinary
 * character. The data lines after {@code COPY … FROM stdin;} are read up to their
 * {@code \.} line; a backslash anywhere else outside quotes and comments starts a psql
 * meta-command and is an error. A statement's text runs from its first token through its
 * last token: whitespace and comments before it, and before its semicolon, are left out.
 * Lines end at {@code \n}, {@code \r\n} or a lone {@code \r}; columns count Unicode code
 * points, as PostgreSQL's error positions do.
 */
final class SqlLexer {

	private final String text;

	private final int length;

	private final @Nullable IntConsumer lineComments;

	private final List<SqlStatement> statements = new ArrayList<>();

	private int pos;

	// The statement being read.
	private int start = -1;

	private int end;

	private int parens;

	private int atomicDepth;

	private int words;

	private boolean create;

	private boolean orReplace;

	private boolean routine;

	private boolean copy;

	private boolean afterFrom;

	private boolean fromStdin;

	// Statements are found in order, so their positions are computed by walking forward
	// from the previous one.
	private int markOffset;

	private int markLine = 1;

	private int markColumn = 1;

	private SqlLexer(String text, @Nullable IntConsumer lineComments) {
		this.text = text;
		this.length = text.length();
		this.lineComments = lineComments;
	}

	/**
	 * Splits SQL text into its top-level statements; empty statements are left out.
	 * @param sql the whole text of a file
	 * @return the statements in the order they appear
	 * @throws SyntaxError if a quote or comment never ends, a psql meta-command appears,
	 * or the data of a {@code COPY … FROM stdin} has no {@code \.} line
	 */
	public static List<SqlStatement> split(String sql) {
		return split(sql, null);
	}

	/**
	 * Splits SQL text and reports the offset of each top-level {@code --} comment (the
	 * ones outside quotes and COPY data) to {@code lineComments}, so that directives can
	 * be told from text that only looks like one.
	 */
	static List<SqlStatement> split(String sql, @Nullable IntConsumer lineComments) {
		SqlLexer lexer = new SqlLexer(sql, lineComments);
		lexer.scan();
		return lexer.statements;
	}

	/**
	 * Finds the line and column of an offset.
	 * @param text the text
	 * @param offset an offset in the text, at most its length
	 * @return the 1-based line and the 1-based column, in code points, as a two-element
	 * array
	 */
	public static int[] lineAndColumn(String text, int offset) {
		SqlLexer lexer = new SqlLexer(text, null);
		lexer.advanceTo(offset);
		return new int[] { lexer.markLine, lexer.markColumn };
	}

	private void scan() {
		while (this.pos < this.length) {
			int at = this.pos;
			char c = this.text.charAt(at);
			if (c == ';' && this.parens == 0 && this.atomicDepth == 0) {
				this.pos++;
				endStatement(true);
			}
			else if (isSpace(c)) {
				this.pos++;
			}
			else if (c == '-' && charAt(at + 1) == '-') {
				lineComment();
			}
			else if (c == '\\' && this.start < 0 && isDumpGuard(at)) {
				int lineEnd = this.text.indexOf('\n', at);
				this.pos = (lineEnd < 0) ? this.length : lineEnd;
			}
			else if (c == '/' && charAt(at + 1) == '*') {
				this.pos = blockCommentEnd(this.text, at);
				if (this.pos < 0) {
					throw new SyntaxError(at, "unterminated block comment (it starts here and never ends). "
							+ "Close it with */; comments nest, so each /* inside it needs its own */ too.");
				}
			}
			else {
				token(at, c);
				if (this.start < 0) {
					this.start = at;
				}
				this.end = this.pos;
			}
		}
		if (this.start >= 0 && this.fromStdin) {
			throw missingCopyEnd();
		}
		endStatement(false);
	}

	private void token(int at, char c) {
		switch (c) {
			case '\'', '"' -> quoted(at, at, false);
			case '$' -> dollar(at);
			case '(' -> {
				this.parens++;
				this.pos++;
			}
			case ')' -> {
				// An unbalanced ')' is PostgreSQL's to report; it must not make later
				// semicolons invisible.
				this.parens = Math.max(0, this.parens - 1);
				this.pos++;
			}
			case '\\' -> throw metaCommand(at);
			default -> {
				if (isIdentifierStart(c)) {
					word(at);
				}
				else {
					do {
						this.pos++;
					}
					while (Character.isDigit(c) && this.pos < this.length && isNumberPart(this.text.charAt(this.pos)));
				}
			}
		}
	}

	private void word(int at) {
		this.pos = identifierEnd(this.text, at);
		char first = this.text.charAt(at);
		boolean single = this.pos == at + 1;
		if (single && (first == 'e' || first == 'E') && charAt(this.pos) == '\'') {
			quoted(at, this.pos, true);
		}
		else if (single && (first == 'u' || first == 'U') && charAt(this.pos) == '&'
				&& (charAt(this.pos + 1) == '\'' || charAt(this.pos + 1) == '"')) {
			quoted(at, this.pos + 1, false);
		}
		else {
			keyword(at, this.pos);
		}
	}

	private void keyword(int from, int to) {
		boolean routineWord = is(from, to, "function") || is(from, to, "procedure");
		switch (this.words++) {
			case 0 -> {
				this.create = is(from, to, "create");
				this.copy = is(from, to, "copy");
			}
			case 1 -> {
				this.routine = this.create && routineWord;
				this.orReplace = this.create && is(from, to, "or");
			}
			case 2 -> this.orReplace = this.orReplace && is(from, to, "replace");
			case 3 -> this.routine = this.routine || (this.orReplace && routineWord);
			default -> {
			}
		}
		if (this.routine && this.parens == 0) {
			// CASE ends with END too, so inside a body it must be counted or its END
			// would close the body.
			if (is(from, to, "begin") || (this.atomicDepth > 0 && is(from, to, "case"))) {
				this.atomicDepth++;
			}
			else if (this.atomicDepth > 0 && is(from, to, "end")) {
				this.atomicDepth--;
			}
		}
		if (this.copy && this.parens == 0) {
			this.fromStdin = this.fromStdin || (this.afterFrom && is(from, to, "stdin"));
			this.afterFrom = is(from, to, "from");
		}
	}

	private void quoted(int start, int quote, boolean backslashEscapes) {
		char q = this.text.charAt(quote);
		int i = quote + 1;
		while (i < this.length) {
			char c = this.text.charAt(i);
			if (c == q) {
				if (charAt(i + 1) != q) {
					this.pos = i + 1;
					return;
				}
				i += 2;
			}
			else {
				i += (c == '\\' && backslashEscapes) ? 2 : 1;
			}
		}
		throw (q == '"')
				? new SyntaxError(start,
						"unterminated quoted identifier (it starts here and never ends). "
								+ "Close it with \" and write a double quote inside it as \"\".")
				: new SyntaxError(start, "unterminated quoted string (it starts here and never ends). "
						+ "Close it with ' and write a quote inside it as ''.");
	}

	private void dollar(int at) {
		int i = at + 1;
		if (i < this.length && isIdentifierStart(this.text.charAt(i))) {
			// A tag is an identifier without '$', so scanning stops at the first '$' or
			// other character.
			do {
				i++;
			}
			while (i < this.length && this.text.charAt(i) != '$' && isIdentifierPart(this.text.charAt(i)));
		}
		if (charAt(i) != '$') {
			// "$1" is a parameter and "$x" alone is not a quote; either way only the '$'
			// itself is consumed here.
			this.pos = at + 1;
			return;
		}
		String tag = this.text.substring(at, i + 1);
		int close = this.text.indexOf(tag, i + 1);
		if (close < 0) {
			throw new SyntaxError(at, "unterminated dollar-quoted string " + tag
					+ " (it starts here and never ends). Close it with " + tag + ".");
		}
		this.pos = close + tag.length();
	}

	private void lineComment() {
		if (this.lineComments != null) {
			this.lineComments.accept(this.pos);
		}
		while (this.pos < this.length && !isNewline(this.text.charAt(this.pos))) {
			this.pos++;
		}
	}

	private void endStatement(boolean terminated) {
		if (this.start >= 0) {
			advanceTo(this.start);
			CharSequence copyData = (terminated && this.fromStdin) ? copyData() : null;
			this.statements.add(new SqlStatement(this.text.substring(this.start, this.end), this.start, this.markLine,
					this.markColumn, copyData));
		}
		this.start = -1;
		this.parens = 0;
		this.atomicDepth = 0;
		this.words = 0;
		this.create = false;
		this.orReplace = false;
		this.routine = false;
		this.copy = false;
		this.afterFrom = false;
		this.fromStdin = false;
	}

	private CharSequence copyData() {
		// Text after the semicolon would be either data or SQL; refusing it is better
		// than guessing.
		while (this.pos < this.length && !isNewline(this.text.charAt(this.pos))) {
			char c = this.text.charAt(this.pos);
			if (c == '-' && charAt(this.pos + 1) == '-') {
				lineComment();
			}
			else if (isSpace(c)) {
				this.pos++;
			}
			else {
				throw new SyntaxError(this.pos, "unexpected text after COPY ... FROM stdin; on the same line "
						+ "(its data starts on the next line). Move it after the \\. line that ends the data.");
			}
		}
		this.pos = nextLine(this.pos);
		int dataStart = this.pos;
		boolean carriageReturns = false;
		while (this.pos < this.length) {
			int lineEnd = this.pos;
			while (lineEnd < this.length && !isNewline(this.text.charAt(lineEnd))) {
				lineEnd++;
			}
			if (lineEnd - this.pos == 2 && this.text.charAt(this.pos) == '\\'
					&& this.text.charAt(this.pos + 1) == '.') {
				int dataEnd = this.pos;
				this.pos = nextLine(lineEnd);
				return carriageReturns
						? this.text.substring(dataStart, dataEnd).replace("\r\n", "\n").replace('\r', '\n')
						: CharBuffer.wrap(this.text, dataStart, dataEnd).asReadOnlyBuffer();
			}
			carriageReturns |= lineEnd < this.length && this.text.charAt(lineEnd) == '\r';
			this.pos = nextLine(lineEnd);
		}
		throw missingCopyEnd();
	}

	private SyntaxError missingCopyEnd() {
		return new SyntaxError(this.start, "COPY ... FROM stdin has no \\. line to end its data. "
				+ "Add a line holding only \\. after the last line of data.");
	}

	/**
	 * Tells whether a line is one of the {@code \\restrict} / {@code \\unrestrict} guards
	 * that pg_dump writes around a plain dump since PostgreSQL 17.6, 16.10, 15.14, 14.19
	 * and 13.22; they only limit what psql itself may run, and Cairn runs no
	 * meta-commands at all, so they are skipped and pg_dump output stays a valid
	 * migration.
	 */
	private boolean isDumpGuard(int at) {
		return this.text.startsWith("\\restrict ", at) || this.text.startsWith("\\unrestrict ", at);
	}

	private SyntaxError metaCommand(int at) {
		int to = Math.min(at + 2, this.length);
		while (to < this.length && to - at < 40 && !isSpace(this.text.charAt(to)) && this.text.charAt(to) != '\\') {
			to++;
		}
		String command = this.text.substring(at, to).strip();
		String fix = switch (command) {
			case "\\i", "\\ir", "\\include", "\\include_relative" ->
				"inline the included file or make it a migration of its own";
			case "\\c", "\\connect" -> "Cairn migrates the database it is configured for, so remove this line";
			case "\\set", "\\unset" -> "write each variable's value in its place and remove this line";
			case "\\." -> "remove this line (a \\. line only ends the data after COPY ... FROM stdin;)";
			default -> "remove it";
		};
		return new SyntaxError(at, "psql meta-command " + command
				+ " is not SQL. Cairn sends files to PostgreSQL as SQL, not through psql: " + fix + ".");
	}

	private void advanceTo(int offset) {
		for (int i = this.markOffset; i < offset; i++) {
			char c = this.text.charAt(i);
			if (c == '\n' || (c == '\r' && charAt(i + 1) != '\n')) {
				this.markLine++;
				this.markColumn = 1;
			}
			else if (c != '\r'
					&& !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(this.text.charAt(i - 1)))) {
				this.markColumn++;
			}
		}
		this.markOffset = offset;
	}

	private int nextLine(int lineEnd) {
		if (lineEnd < this.length && this.text.charAt(lineEnd) == '\r') {
			lineEnd++;
		}
		return (lineEnd < this.length && this.text.charAt(lineEnd) == '\n') ? lineEnd + 1 : lineEnd;
	}

	private boolean is(int from, int to, String word) {
		return to - from == word.length() && this.text.regionMatches(true, from, word, 0, word.length());
	}

	private char charAt(int index) {
		return (index < this.length) ? this.text.charAt(index) : '\0';
	}

	/**
	 * Thrown when SQL text cannot be split into statements; its message says what is
	 * wrong and how to fix it.
	 */
	static final class SyntaxError extends RuntimeException {

		private final int offset;

		SyntaxError(int offset, String message) {
			super(message);
			this.offset = offset;
		}

		/**
		 * Returns where the problem starts.
		 * @return the offset in the text of the unterminated quote or comment, the
		 * meta-command's backslash, or the start of the COPY statement whose data does
		 * not end
		 */
		public int getOffset() {
			return this.offset;
		}

	}

}
