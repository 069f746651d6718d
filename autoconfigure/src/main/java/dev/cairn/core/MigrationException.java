package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * The one exception Cairn throws: its message names the file, the line and what to do.
 */
public class MigrationException extends RuntimeException {

	private final @Nullable String script;

	private final @Nullable String sqlState;

	private final int line;

	private final int column;

	/**
	 * Creates an exception that is not tied to a position in a file.
	 * @param message the whole message, ending with what to do
	 */
	public MigrationException(String message) {
		this(message, null, null, 0, 0, null);
	}

	/**
	 * Creates an exception.
	 * @param message the whole message, ending with what to do
	 * @param script the file name the problem is in, if any
	 * @param sqlState the SQLSTATE PostgreSQL reported, if any
	 * @param line the 1-based line in the file, or 0 when unknown
	 * @param column the 1-based column in the file, or 0 when unknown
	 * @param cause the underlying failure, if any
	 */
	public MigrationException(String message, @Nullable String script, @Nullable String sqlState, int line,
			int column, @Nullable Throwable cause) {
		super(message, cause);
		this.script = script;
		this.sqlState = sqlState;
		this.line = line;
		this.column = column;
	}

	/**
	 * Returns the file the problem is in.
	 * @return the file name, or {@code null} when the problem is not in one file
	 */
	public @Nullable String getScript() {
		return this.script;
	}

	/**
	 * Returns the SQLSTATE of the failed statement.
	 * @return the SQLSTATE, or {@code null} when the failure did not come from PostgreSQL
	 */
	public @Nullable String getSqlState() {
		return this.sqlState;
	}

	/**
	 * Returns the line of the problem.
	 * @return the 1-based line, or 0 when unknown
	 */
	public int getLine() {
		return this.line;
	}

	/**
	 * Returns the column of the problem.
	 * @return the 1-based column, or 0 when unknown
	 */
	public int getColumn() {
		return this.column;
	}

}
