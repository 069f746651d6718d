package dev.cairn.core;

import java.sql.SQLException;

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
	 * Creates an exception that is not tied to a file, for example from a
	 * {@link JavaMigration}.
	 * @param message the whole message, ending with what to do
	 */
	public MigrationException(String message) {
		this(message, null, null, 0, 0, null);
	}

	private MigrationException(String message, @Nullable String script, @Nullable String sqlState, int line, int column,
			@Nullable Throwable cause) {
		super(message, cause);
		this.script = script;
		this.sqlState = sqlState;
		this.line = line;
		this.column = column;
	}

	/**
	 * Creates an exception about a file that is wrong before anything of it runs.
	 * @param script the file name
	 * @param line the 1-based line, or 0 when the problem is not at one line
	 * @param column the 1-based column, or 0
	 * @param message the whole message, ending with what to do
	 * @return the exception
	 */
	public static MigrationException inFile(String script, int line, int column, String message) {
		return new MigrationException(message, script, null, line, column, null);
	}

	/**
	 * Creates an exception about a file that is wrong or cannot be read, at no particular
	 * line.
	 * @param script the file name
	 * @param message the whole message, ending with what to do
	 * @param cause the underlying failure, if any
	 * @return the exception
	 */
	public static MigrationException inFile(String script, String message, @Nullable Throwable cause) {
		return new MigrationException(message, script, null, 0, 0, cause);
	}

	/**
	 * Creates an exception for a statement that PostgreSQL refused.
	 * @param message the whole message, ending with what to do
	 * @param script the file the statement is in, if any
	 * @param sqlState the SQLSTATE PostgreSQL reported, if any
	 * @param line the 1-based line in the file, or 0 when unknown
	 * @param column the 1-based column in the file, or 0 when unknown
	 * @param cause the failure
	 * @return the exception
	 */
	public static MigrationException fromDatabase(String message, @Nullable String script, @Nullable String sqlState,
			int line, int column, @Nullable Throwable cause) {
		return new MigrationException(message, script, sqlState, line, column, cause);
	}

	/**
	 * Creates an exception caused by another failure, not tied to a file; the SQLSTATE is
	 * taken from the first {@link SQLException} among the causes.
	 * @param message the whole message, ending with what to do
	 * @param cause the underlying failure
	 * @return the exception
	 */
	public static MigrationException causedBy(String message, Throwable cause) {
		String sqlState = null;
		for (Throwable t = cause; t != null && sqlState == null; t = t.getCause()) {
			sqlState = (t instanceof SQLException sql) ? sql.getSQLState() : null;
		}
		return new MigrationException(message, null, sqlState, 0, 0, cause);
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
