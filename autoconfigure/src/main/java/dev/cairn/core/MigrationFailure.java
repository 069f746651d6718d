package dev.cairn.core;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns a failed statement into the message users read: where it stands in the file, what
 * PostgreSQL said, and what was and was not applied.
 */
final class MigrationFailure {

	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private MigrationFailure() {
	}

	/**
	 * Describes a failed statement at its place in the file: line and column mapped from
	 * PostgreSQL's error position, the line with a caret, SQLSTATE, detail and hint, and
	 * what was and was not applied.
	 */
	static MigrationException of(String scriptName, @Nullable SqlScript script, @Nullable SqlStatement failed,
			Exception ex, int retries, String consequence, String fix) {
		PSQLException psql = null;
		for (Throwable cause = ex; cause != null && psql == null; cause = cause.getCause()) {
			psql = (cause instanceof PSQLException found) ? found : null;
		}
		ServerErrorMessage server = (psql != null) ? psql.getServerErrorMessage() : null;
		String message = (server != null && server.getMessage() != null) ? server.getMessage() : ex.getMessage();
		String sqlState = sqlState(ex);
		SqlScript.Position position = (script != null && failed != null)
				? script.position(failed, (server != null) ? server.getPosition() : 0) : null;
		String kind = (SqlCallback.eventOf(scriptName) != null) ? "Callback " : "Migration ";
		StringBuilder text = new StringBuilder(kind).append(scriptName).append(" failed");
		if (position != null) {
			text.append(" at line ").append(position.line()).append(", column ").append(position.column());
		}
		text.append(": ").append(message);
		if (sqlState != null) {
			text.append(" (SQLSTATE ").append(sqlState).append(')');
		}
		if (position != null) {
			text.append('\n').append(position.excerpt());
		}
		if (server != null && server.getDetail() != null) {
			text.append("\nDetail: ").append(server.getDetail());
		}
		if (server != null && server.getHint() != null) {
			text.append("\nHint: ").append(server.getHint());
		}
		if (server != null && server.getWhere() != null) {
			text.append("\nWhere: ").append(server.getWhere());
		}
		if (LOCK_NOT_AVAILABLE.equals(sqlState)) {
			// The file is fine: what to do is about the session that held the lock.
			text.append("\nIt waited for a lock longer than lock_timeout ")
				.append(retries + 1)
				.append(" time(s). ")
				.append(LockWaitWatcher.blockers(ex))
				.append('.');
			text.append('\n').append(consequence).append(' ').append(LockWaitWatcher.action(ex));
		}
		else {
			text.append('\n').append(consequence).append(' ').append(fixFor(sqlState, fix));
		}
		return MigrationException.fromDatabase(text.toString(), scriptName, sqlState,
				(position != null) ? position.line() : 0, (position != null) ? position.column() : 0, ex);
	}

	/**
	 * Returns what to do about a failure whose cause is not in the file: a cancelled or
	 * ended session, a read-only database, a missing privilege; otherwise the fix for the
	 * file.
	 */
	private static String fixFor(@Nullable String sqlState, String fileFix) {
		if (sqlState == null) {
			return fileFix;
		}
		if (sqlState.equals("57014")) {
			return "It was cancelled: it ran longer than statement_timeout, or a session cancelled it. If it needs "
					+ "longer, raise cairn.statement-timeout (or the file's -- cairn:statement-timeout=<duration>), "
					+ "then restart.";
		}
		if (sqlState.startsWith("57P") || sqlState.startsWith("08")) {
			return "The database ended the session (pg_terminate_backend, a restart or a lost connection); the file "
					+ "is not at fault. Restart to try again.";
		}
		if (sqlState.equals("25006")) {
			return "The database is read-only (a standby, or default_transaction_read_only is on). Point the "
					+ "migration at the primary (cairn.url), then restart.";
		}
		if (sqlState.equals("42501")) {
			return "The migration user lacks a privilege. Grant it, or run migrations as a role that has it "
					+ "(cairn.user), then restart.";
		}
		return fileFix;
	}

	static @Nullable String sqlState(Exception ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql) {
				return sql.getSQLState();
			}
		}
		return null;
	}

}
