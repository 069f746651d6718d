package dev.cairn.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A SQL migration file read for running: its statements, its directives, and whether it
 * runs in a transaction.
 * <p>
 * Parsing refuses, before anything runs, what would fail or mislead halfway through:
 * unknown or misplaced {@code -- cairn:} directives, transaction control other than a
 * {@code BEGIN; … COMMIT;} wrapper around the whole file (which is dropped so the body
 * runs in Cairn's own transaction), and statements PostgreSQL cannot run inside a
 * transaction in a file without {@code -- cairn:no-transaction}.
 */
final class SqlScript {

	private final String name;

	private final String text;

	private final List<SqlStatement> statements;

	private final boolean transactional;

	private final @Nullable Duration lockTimeout;

	private final @Nullable Duration statementTimeout;

	private SqlScript(String name, String text, List<SqlStatement> statements, boolean transactional,
			@Nullable Duration lockTimeout, @Nullable Duration statementTimeout) {
		this.name = name;
		this.text = text;
		this.statements = List.copyOf(statements);
		this.transactional = transactional;
		this.lockTimeout = lockTimeout;
		this.statementTimeout = statementTimeout;
	}

	/**
	 * Reads a migration file.
	 * @param scriptName the file name, used in error messages
	 * @param text the decoded file text, without a byte order mark
	 * @return the script
	 * @throws MigrationException naming the file, line and column of the first problem
	 * and what to do about it
	 */
	public static SqlScript parse(String scriptName, String text) {
		return parse(scriptName, text, null);
	}

	/**
	 * Reads a migration file that Flyway's rules may run outside a transaction.
	 * @param scriptName the file name, used in error messages
	 * @param text the decoded file text, without a byte order mark
	 * @param executeInTransaction {@code false} to run it outside a transaction,
	 * {@code true} to run it in one, even without (or despite) a
	 * {@code -- cairn:no-transaction} directive; {@code null} to let the directive decide
	 * @return the script
	 */
	static SqlScript parse(String scriptName, String text, @Nullable Boolean executeInTransaction) {
		List<Integer> directiveOffsets = new ArrayList<>();
		List<SqlStatement> statements;
		try {
			statements = SqlLexer.split(text, (offset) -> {
				if (Directives.isDirective(text, offset)) {
					directiveOffsets.add(offset);
				}
			});
		}
		catch (SqlLexer.SyntaxError ex) {
			int[] position = SqlLexer.lineAndColumn(text, ex.getOffset());
			throw error(scriptName, position[0], position[1], ex.getMessage());
		}
		int sqlStart = statements.isEmpty() ? text.length() : statements.get(0).offset();
		Directives directives = Directives.read(scriptName, text, directiveOffsets, sqlStart);
		boolean transactional = (executeInTransaction != null) ? executeInTransaction : !directives.noTransaction();
		return new SqlScript(scriptName, text, statementsToRun(scriptName, statements, transactional), transactional,
				directives.lockTimeout(), directives.statementTimeout());
	}

	private static List<SqlStatement> statementsToRun(String name, List<SqlStatement> statements,
			boolean transactional) {
		int count = statements.size();
		SqlStatement first = (count > 0) ? statements.get(0) : null;
		SqlStatement last = (count > 0) ? statements.get(count - 1) : null;
		String opening = (first != null) ? SqlKeywords.transactionControl(first.sql()) : null;
		String closing = (last != null) ? SqlKeywords.transactionControl(last.sql()) : null;
		boolean opens = "BEGIN".equals(opening) || "START TRANSACTION".equals(opening);
		boolean closes = "COMMIT".equals(closing) || "END".equals(closing);
		if (!transactional && (opens || closes)) {
			throw error(name, opens ? first : last, (opens ? opening : closing)
					+ " contradicts \"-- cairn:no-transaction\", which runs the file's statements one by one outside "
					+ "a transaction. Remove the BEGIN; ... COMMIT; wrapper, or remove the directive to run the file "
					+ "in one transaction.");
		}
		if (opens && !closes) {
			throw error(name, first,
					opening + " at the start of the file has no matching COMMIT at its end. "
							+ "Cairn runs the body of a file wrapped in BEGIN; ... COMMIT; in its own transaction: "
							+ "end the file with COMMIT; or remove this statement.");
		}
		if (closes && !opens) {
			throw error(name, last,
					closing + " at the end of the file has no matching BEGIN at its start. "
							+ "Cairn runs the body of a file wrapped in BEGIN; ... COMMIT; in its own transaction: "
							+ "start the file with BEGIN; or remove this statement.");
		}
		List<SqlStatement> toRun = new ArrayList<>(count);
		if (opens) {
			// The wrapper goes, but the transaction modes it asked for must still apply
			// to Cairn's transaction.
			String modes = SqlKeywords.transactionModes(first.sql());
			if (!modes.isEmpty()) {
				toRun.add(new SqlStatement("SET TRANSACTION " + modes, first.offset(), first.line(), first.column(),
						null));
			}
		}
		for (int i = opens ? 1 : 0; i < (closes ? count - 1 : count); i++) {
			SqlStatement statement = statements.get(i);
			String control = SqlKeywords.transactionControl(statement.sql());
			if (control != null) {
				throw error(name, statement, control + " is not allowed in a migration. " + (transactional
						? "Cairn runs each file in its own transaction and rolls it back itself on failure; "
						: "Cairn runs a \"-- cairn:no-transaction\" file statement by statement outside a transaction; ")
						+ "remove this statement.");
			}
			String outsideOnly = transactional ? SqlKeywords.outsideTransactionOnly(statement.sql()) : null;
			if (outsideOnly != null) {
				throw error(name, statement,
						outsideOnly + " cannot run inside a transaction. Add "
								+ "\"-- cairn:no-transaction\" as the first line of " + name
								+ "; Cairn then runs its statements one by one outside a transaction.");
			}
			toRun.add(statement);
		}
		return toRun;
	}

	/**
	 * Returns the file name.
	 * @return the file name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Returns the statements to run, without a {@code BEGIN}/{@code COMMIT} wrapper the
	 * file may have had.
	 * @return the statements in file order
	 */
	public List<SqlStatement> statements() {
		return this.statements;
	}

	String text() {
		return this.text;
	}

	/**
	 * Returns whether the file runs in one transaction.
	 * @return {@code false} when the file starts with {@code -- cairn:no-transaction}
	 */
	public boolean transactional() {
		return this.transactional;
	}

	/**
	 * Returns the file's {@code -- cairn:lock-timeout}.
	 * @return the lock timeout, or {@code null} when the file does not set one
	 */
	public @Nullable Duration lockTimeout() {
		return this.lockTimeout;
	}

	/**
	 * Returns the file's {@code -- cairn:statement-timeout}.
	 * @return the statement timeout, or {@code null} when the file does not set one
	 */
	public @Nullable Duration statementTimeout() {
		return this.statementTimeout;
	}

	/**
	 * Locates an offset in the file text and shows its line with a caret under it.
	 * @param offset an offset in the file text, at most its length
	 * @return the position
	 */
	public Position position(int offset) {
		int[] lineAndColumn = SqlLexer.lineAndColumn(this.text, offset);
		int lineStart = offset;
		while (lineStart > 0 && !isNewline(this.text.charAt(lineStart - 1))) {
			lineStart--;
		}
		int lineEnd = offset;
		while (lineEnd < this.text.length() && !isNewline(this.text.charAt(lineEnd))) {
			lineEnd++;
		}
		String number = Integer.toString(lineAndColumn[0]);
		int width = Math.max(4, number.length());
		StringBuilder excerpt = new StringBuilder();
		excerpt.append(" ".repeat(width - number.length())).append(number).append(" | ");
		excerpt.append(this.text, lineStart, lineEnd).append('\n').append(" ".repeat(width)).append(" | ");
		// Tabs are kept so that the caret lines up however wide the terminal draws them.
		this.text.substring(lineStart, offset)
			.codePoints()
			.forEach((codePoint) -> excerpt.append((codePoint == '\t') ? '\t' : ' '));
		return new Position(lineAndColumn[0], lineAndColumn[1], excerpt.append('^').toString());
	}

	/**
	 * Locates a position PostgreSQL reported for an error in one of this file's
	 * statements.
	 * @param statement the statement that failed
	 * @param errorPosition PostgreSQL's 1-based position in the statement, which counts
	 * characters (code points), not UTF-16 units
	 * @return the position in the file
	 */
	public Position position(SqlStatement statement, int errorPosition) {
		int offset = Math.min(statement.offset(), this.text.length());
		for (int i = 1; i < errorPosition && offset < this.text.length(); i++) {
			offset += Character.charCount(this.text.codePointAt(offset));
		}
		return position(offset);
	}

	private static boolean isNewline(char c) {
		return c == '\n' || c == '\r';
	}

	private static MigrationException error(String name, SqlStatement statement, String message) {
		return error(name, statement.line(), statement.column(), message);
	}

	private static MigrationException error(String name, int line, int column, String message) {
		return MigrationException.inFile(name, line, column,
				"Migration " + name + ", line " + line + ", column " + column + ": " + message);
	}

	/**
	 * Where an offset lies in a file, with its line and a caret under it as error
	 * messages show them.
	 *
	 * @param line the 1-based line
	 * @param column the 1-based column, in code points
	 * @param excerpt two lines without a trailing newline: the line number right-aligned,
	 * {@code " | "} and the line; then a caret under the column
	 */
	public record Position(int line, int column, String excerpt) {

	}

}
