package dev.cairn.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session reset after each migration goes back to what the pool gave Cairn, not to
 * the server's defaults: a pool's {@code application_name} and {@code search_path}
 * survive the run, and so do settings made on the connection later and its role, so the
 * application gets its connections back as it configured them (and the killed-instance
 * proofs can still find an instance's sessions by name).
 */
class SessionRestoreTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	void theConnectionsOwnSettingsSurviveTheRun() throws Exception {
		try (HikariDataSource pool = new HikariDataSource()) {
			pool.setJdbcUrl(this.database.url());
			pool.setUsername(this.database.username());
			pool.setPassword(this.database.password());
			pool.setMaximumPoolSize(2);
			pool.setMinimumIdle(2);
			pool.setConnectionInitSql("SET application_name = 'orders-service'; SET search_path = app, public");
			Set<Integer> before = new HashSet<>();
			String sessionUser;
			try (Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
				for (Connection connection : new Connection[] { first, second }) {
					try (Statement statement = connection.createStatement()) {
						// Set after the pool made the connection: a pool that made a new
						// one would not have it.
						statement.execute("SET work_mem = '7MB'");
						before.add(pid(statement));
					}
				}
				sessionUser = session(first, "session_user");
			}
			new Migrator(pool, MigratorSettings.builder().locations("classpath:scenarios/session-restore").build())
				.migrate();
			try (Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
				Set<Integer> after = new HashSet<>();
				for (Connection connection : new Connection[] { first, second }) {
					try (Statement statement = connection.createStatement()) {
						after.add(pid(statement));
					}
					assertThat(session(connection, "current_setting('application_name')")).isEqualTo("orders-service");
					assertThat(session(connection, "current_setting('search_path')")).isEqualTo("app, public");
					assertThat(session(connection, "current_setting('work_mem')")).isEqualTo("7MB");
					assertThat(session(connection, "current_user")).as("the migration's SET ROLE was undone")
						.isEqualTo(sessionUser);
				}
				assertThat(after).as("the pool's own connections came back, not new ones").isEqualTo(before);
			}
		}
	}

	private static int pid(Statement statement) throws SQLException {
		try (ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static String session(Connection connection, String expression) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT " + expression)) {
			result.next();
			return result.getString(1);
		}
	}

}
