package dev.cairn.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session reset after each migration goes back to what the pool gave Cairn, not to
 * the server's defaults: a pool's {@code application_name} and {@code search_path}
 * survive the run, so the application gets its connections back as it configured them
 * (and the killed-instance proofs can still find an instance's sessions by name).
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
			pool.setConnectionInitSql("SET application_name = 'orders-service'; SET search_path = app, public");
			new Migrator(pool, MigratorSettings.builder().locations("classpath:scenarios/session-restore").build())
				.migrate();
			try (Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
				for (Connection connection : new Connection[] { first, second }) {
					try (Statement statement = connection.createStatement();
							ResultSet result = statement.executeQuery(
									"SELECT current_setting('application_name'), current_setting('search_path')")) {
						result.next();
						assertThat(result.getString(1)).isEqualTo("orders-service");
						assertThat(result.getString(2)).isEqualTo("app, public");
					}
				}
			}
		}
	}

}
