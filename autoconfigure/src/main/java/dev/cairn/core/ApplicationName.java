package dev.cairn.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * The {@code application_name} Cairn's sessions carry while it runs, so that a DBA
 * looking at {@code pg_stat_activity} (or an instance waiting for the lock) sees
 * {@code cairn lock <host>/<pid>} and {@code cairn migrate <host>/<pid>} for the lock's
 * and the working session of one JVM.
 */
final class ApplicationName {

	static final String LOCK = "cairn lock ";

	static final String MIGRATE = "cairn migrate ";

	private static final String PROCESS = host() + "/" + ProcessHandle.current().pid();

	private ApplicationName() {
	}

	/**
	 * Names a session, and returns the name it had.
	 * @param connection the session's connection, in autocommit
	 * @param role {@link #LOCK} or {@link #MIGRATE}
	 * @return the name the session had before
	 */
	static @Nullable String name(Connection connection, String role) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT current_setting('application_name'), set_config('application_name', ?, false)")) {
			statement.setString(1, role + PROCESS);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getString(1);
			}
		}
	}

	static void set(Connection connection, String name) throws SQLException {
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT set_config('application_name', ?, false)")) {
			statement.setString(1, name);
			statement.execute();
		}
	}

	static String host() {
		String host = System.getenv("HOSTNAME");
		if (host != null && !host.isBlank()) {
			return host;
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
