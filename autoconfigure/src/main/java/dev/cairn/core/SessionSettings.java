package dev.cairn.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The settings each migration runs with, and the statements that put the working session
 * back as it was after one: to the defaults, then to the settings the connection had
 * before the first migration ran.
 */
final class SessionSettings {

	private static final List<String> RESET_SESSION = List.of("RESET ALL", "SET SESSION AUTHORIZATION DEFAULT",
			"DISCARD TEMP", "CLOSE ALL", "UNLISTEN *");

	private final Connection connection;

	private final MigratorSettings settings;

	private @Nullable List<String> resetSession;

	private @Nullable Boolean checksClientConnection;

	SessionSettings(Connection connection, MigratorSettings settings) {
		this.connection = connection;
		this.settings = settings;
	}

	/**
	 * Returns the {@code lock_timeout} a migration runs with: its file's directive, or
	 * the run's setting.
	 */
	Duration lockTimeout(@Nullable SqlScript script) {
		return (script != null && script.lockTimeout() != null) ? script.lockTimeout() : this.settings.lockTimeout();
	}

	List<String> timeouts(@Nullable SqlScript script, String set) {
		Duration lockTimeout = lockTimeout(script);
		Duration statementTimeout = (script != null && script.statementTimeout() != null) ? script.statementTimeout()
				: this.settings.statementTimeout();
		List<String> sql = new ArrayList<>();
		sql.add(set + "lock_timeout = " + lockTimeout.toMillis());
		if (statementTimeout != null) {
			sql.add(set + "statement_timeout = " + statementTimeout.toMillis());
		}
		if (checksClientConnection()) {
			// A runner killed mid-statement must not leave its statement running, holding
			// its locks, until it ends.
			sql.add(set + "client_connection_check_interval = 1000");
		}
		return sql;
	}

	/**
	 * Returns the SQL that resets the session after a migration: to the defaults, and
	 * then to the settings the connection had before the first migration ran
	 * ({@code application_name}, a pool's {@code search_path} or role), which
	 * {@code RESET ALL} alone would lose. The first call, before any migration runs,
	 * records them.
	 */
	List<String> resetSession() throws SQLException {
		if (this.resetSession == null) {
			List<String> reset = new ArrayList<>(RESET_SESSION);
			try (Statement statement = this.connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT 'DO $cairn_restore$ BEGIN ' || string_agg("
							+ "format('PERFORM set_config(%L, %L, false);', name, setting), ' ') "
							+ "|| ' END $cairn_restore$' FROM pg_settings WHERE source = 'session' "
							+ "AND name <> 'session_authorization'")) {
				if (result.next() && result.getString(1) != null) {
					reset.add(result.getString(1));
				}
			}
			this.resetSession = List.copyOf(reset);
			checksClientConnection();
		}
		return this.resetSession;
	}

	/**
	 * Tells whether the server can notice a vanished client during a statement:
	 * PostgreSQL 14 and later, on the platforms that support it (not Windows), which is
	 * found out once by trying, in autocommit, before the first migration. The setting is
	 * local to that one statement's transaction, so that it cannot stay behind on a
	 * pooled server session.
	 */
	private boolean checksClientConnection() {
		if (this.checksClientConnection == null) {
			boolean supported;
			try (Statement statement = this.connection.createStatement()) {
				supported = this.connection.getMetaData().getDatabaseMajorVersion() >= 14;
				if (supported) {
					statement.execute("SELECT set_config('client_connection_check_interval', '1000', true)");
				}
			}
			catch (SQLException ex) {
				supported = false;
			}
			this.checksClientConnection = supported;
		}
		return this.checksClientConnection;
	}

}
