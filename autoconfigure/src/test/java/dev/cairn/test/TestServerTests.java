package dev.cairn.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import dev.cairn.core.MigratorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Where test databases come from, what a user reads when there is no server, and a failed
 * test's database kept on request.
 */
@ExtendWith(OutputCaptureExtension.class)
class TestServerTests {

	/** Nothing listens on port 1 of the loopback interface. */
	private static final String CLOSED = "jdbc:postgresql://127.0.0.1:1/postgres?user=postgres";

	@Test
	void failsSayingHowToProvideAServerWhenNoneAnswers() {
		assertThatIllegalStateException().isThrownBy(() -> TestServer.discover(TestServer.URL_VARIABLE, null, CLOSED))
			.withMessage("Cairn found no PostgreSQL server for test databases: neither cairn.test.url nor "
					+ "CAIRN_TEST_DATABASE_URL is set, and nothing accepts user 'postgres' at "
					+ "jdbc:postgresql://127.0.0.1:1/postgres?user=postgres (Connection to 127.0.0.1:1 refused. Check "
					+ "that the hostname and port are correct and that the postmaster is accepting TCP/IP "
					+ "connections.). Start PostgreSQL there, or set CAIRN_TEST_DATABASE_URL (or the system or Spring "
					+ "property cairn.test.url) to a JDBC URL of a server where the user may create databases, for "
					+ "example jdbc:postgresql://db.example.com:5432/postgres?user=test&password=secret.");
	}

	@Test
	void failsNamingTheConfiguredUrlWithoutItsPassword() {
		assertThatIllegalStateException()
			.isThrownBy(() -> TestServer.discover(TestServer.URL_PROPERTY,
					"jdbc:postgresql://127.0.0.1:1/postgres?user=me&password=secret", CLOSED))
			.withMessage("Cannot connect to the PostgreSQL server in cairn.test.url "
					+ "(jdbc:postgresql://127.0.0.1:1/postgres?user=me&password=***): Connection to 127.0.0.1:1 "
					+ "refused. Check that the hostname and port are correct and that the postmaster is accepting "
					+ "TCP/IP connections.. Start it, or correct cairn.test.url.");
	}

	@Test
	void usesTheConfiguredUrlFirst() {
		String url = TestDatabase.serverUrl();

		assertThat(TestServer.find(Map.of(TestServer.URL_PROPERTY, url)::get))
			.isEqualTo(new TestServer(TestServer.URL_PROPERTY, url));
	}

	@Test
	void urlForKeepsTheParameters() {
		TestServer server = new TestServer("x", "jdbc:postgresql://db:5433/postgres?user=me&password=secret");

		assertThat(server.urlFor("cairn_clone_1"))
			.isEqualTo("jdbc:postgresql://db:5433/cairn_clone_1?user=me&password=secret");
	}

	@Test
	void keepsAFailedTestsDatabaseAndLogsItsUrlWhenAsked(CapturedOutput output) throws Exception {
		Templates templates = Templates.on(new TestServer("test", TestDatabase.serverUrl()));
		String template = templates.template(new TemplateRecipe(
				MigratorSettings.builder().locations("classpath:scenarios/valid").build(), List.of()));
		String clone = templates.take(template);
		System.setProperty("cairn.test.keep-failed", "true");
		String kept = null;
		try {
			CairnDatabase.release(templates, clone, true, "ordersAreShipped()");
			kept = output.toString().replaceAll("(?s).*DROP DATABASE (cairn_kept_\\w+)\\).*", "$1");

			assertThat(kept).startsWith("cairn_kept_ordersareshipped_");
			assertThat(output).contains("Kept the database of the failed test ordersAreShipped(): "
					+ TestServer.redact(templates.server().urlFor(kept)) + " (drop it with DROP DATABASE " + kept
					+ ")");
			try (Connection connection = DriverManager.getConnection(templates.server().urlFor(kept));
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT count(*) FROM users")) {
				result.next();
				assertThat(result.getInt(1)).isEqualTo(2);
			}
		}
		finally {
			System.clearProperty("cairn.test.keep-failed");
			if (kept != null) {
				templates.drop(kept);
			}
		}
	}

}
