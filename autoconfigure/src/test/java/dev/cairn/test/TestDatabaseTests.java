package dev.cairn.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Where the tests find their server, and that the embedded one, the last resort, serves
 * what the tests need: it runs whatever the build found first, so every build proves the
 * JDK-only path.
 */
class TestDatabaseTests {

	/** Nothing listens on port 1 of the loopback interface. */
	private static final String CLOSED = "jdbc:postgresql://127.0.0.1:1/postgres";

	@Test
	void usesTheEmbeddedServerWhenNothingElseAnswers() throws Exception {
		TestDatabase.Server found = TestDatabase.discover(null, () -> null, CLOSED);

		assertThat(found.source()).isEqualTo("embedded");
		assertThat(found).isSameAs(EmbeddedServer.sharedIfAvailable());
		try (Connection connection = found.connectAdmin()) {
			assertThat(query(connection, "SELECT current_setting('server_version_num')::int / 10000"))
				.containsExactly("15");
			assertThat(query(connection, "SELECT current_user")).containsExactly("postgres");
			assertThat(query(connection, "SELECT current_setting('server_encoding')")).containsExactly("UTF8");
		}
	}

	@Test
	void embeddedServerClonesADatabaseFromATemplate() throws Exception {
		TestDatabase.Server embedded = TestDatabase.discover(null, () -> null, CLOSED);
		try (Connection admin = embedded.connectAdmin(); Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE cairn_template_source");
			try {
				try (Connection source = DriverManager.getConnection(embedded.urlFor("cairn_template_source"),
						"postgres", null); Statement sql = source.createStatement()) {
					sql.execute("CREATE TABLE scans (target text PRIMARY KEY)");
					sql.execute("INSERT INTO scans VALUES ('api.example.com'), ('www.example.com')");
				}
				statement.execute("CREATE DATABASE cairn_template_clone TEMPLATE cairn_template_source");
				try (Connection clone = DriverManager.getConnection(embedded.urlFor("cairn_template_clone"), "postgres",
						null)) {
					assertThat(query(clone, "SELECT target FROM scans ORDER BY target"))
						.containsExactly("api.example.com", "www.example.com");
				}
			}
			finally {
				statement.execute("DROP DATABASE IF EXISTS cairn_template_clone WITH (FORCE)");
				statement.execute("DROP DATABASE IF EXISTS cairn_template_source WITH (FORCE)");
			}
		}
	}

	@Test
	void failsWhenTheServerIsNotTheExpectedOne() {
		TestDatabase.Server local = new TestDatabase.Server("local", "jdbc:postgresql://localhost:5432/postgres",
				"postgres", null);

		TestDatabase.expect(local, "local");
		TestDatabase.expect(local, null);
		assertThatIllegalStateException().isThrownBy(() -> TestDatabase.expect(local, "embedded"))
			.withMessage("CAIRN_TEST_EXPECT_SERVER is 'embedded' but the tests found the local server at "
					+ "jdbc:postgresql://localhost:5432/postgres");
	}

	@Test
	void failsNamingTheUrlWhenTheConfiguredServerDoesNotAnswer() {
		assertThatIllegalStateException().isThrownBy(() -> TestDatabase.discover(CLOSED, () -> null, CLOSED))
			.withMessageStartingWith("Cannot connect to the PostgreSQL server in CAIRN_TEST_DATABASE_URL "
					+ "(jdbc:postgresql://127.0.0.1:1/postgres): Connection to 127.0.0.1:1 refused");
	}

	private static List<String> query(Connection connection, String sql) throws SQLException {
		List<String> values = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			while (result.next()) {
				values.add(result.getString(1));
			}
		}
		return values;
	}

}
