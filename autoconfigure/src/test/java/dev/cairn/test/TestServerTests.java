package dev.cairn.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import dev.cairn.core.MigratorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.FilteredClassLoader;
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

	@Test
	void failsSayingHowToProvideAServerWhenNoneAnswers() throws IOException {
		int port = closedPort();

		assertThatIllegalStateException()
			.isThrownBy(() -> TestServer.discover(null, "", () -> null,
					() -> new DockerServer.Found(null, DockerServer.NO_TESTCONTAINERS),
					"jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres"))
			.withMessage(noServer(port, "Testcontainers (org.testcontainers:testcontainers-postgresql) is not on the "
					+ "test class path"));
	}

	@Test
	void withoutDockerFallsThroughToLocalhost() throws IOException {
		int port = closedPort();
		String closed = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
		String serverUrl = TestDatabase.serverUrl();

		if (org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
			assertThat(TestServer.discover(null, null, () -> null, DockerServer::find, closed).source())
				.isEqualTo("Docker (postgres:17-alpine)");
		}
		else {
			assertThat(TestServer.discover(null, null, () -> null, DockerServer::find, serverUrl))
				.isEqualTo(new TestServer("localhost", serverUrl));
			assertThatIllegalStateException()
				.isThrownBy(() -> TestServer.discover(null, null, () -> null, DockerServer::find, closed))
				.withMessage(noServer(port, "no Docker engine answers Testcontainers"));
		}
	}

	@Test
	void saysSoWhenTestcontainersIsNotOnTheClassPath() {
		assertThat(DockerServer.find(new FilteredClassLoader("org.testcontainers")))
			.isEqualTo(new DockerServer.Found(null, DockerServer.NO_TESTCONTAINERS));
	}

	@Test
	void aContainerThatDoesNotStartSaysHowToGoOn() {
		assertThat(DockerServer.startFailed("postgres:17-alpine", new IllegalStateException("Could not pull image")))
			.isEqualTo("A Docker engine answers, but Testcontainers could not start the PostgreSQL container "
					+ "postgres:17-alpine: Could not pull image. Name an image it can pull in "
					+ "-Dcairn.test.docker-image=…, or set CAIRN_TEST_DATABASE_URL (or cairn.test.url) to a server of "
					+ "your own.");
	}

	@Test
	void failsNamingTheConfiguredUrlWithoutItsPassword() throws IOException {
		int port = closedPort();

		assertThatIllegalStateException()
			.isThrownBy(() -> TestServer.discover(
					"jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=me&password=secret", null, () -> null,
					() -> unused(), TestDatabase.serverUrl()))
			.withMessage("Cannot connect to the PostgreSQL server in cairn.test.url (jdbc:postgresql://127.0.0.1:"
					+ port + "/postgres?user=me&password=***): Connection to 127.0.0.1:" + port
					+ " refused. Check that the "
					+ "hostname and port are correct and that the postmaster is accepting TCP/IP connections.. Start "
					+ "it, or correct cairn.test.url.");
	}

	@Test
	void failsNamingTheContextsBeanWhenItsServerRefuses() throws IOException {
		int port = closedPort();
		TestServer named = new TestServer("the JdbcConnectionDetails bean 'postgres'",
				"jdbc:postgresql://127.0.0.1:" + port + "/test?user=test&password=test");

		assertThatIllegalStateException()
			.isThrownBy(() -> TestServer.discover(null, null, () -> named, () -> unused(), TestDatabase.serverUrl()))
			.withMessage("Cannot connect to the PostgreSQL server in the JdbcConnectionDetails bean 'postgres' "
					+ "(jdbc:postgresql://127.0.0.1:" + port + "/test?user=test&password=***): Connection to 127.0.0.1:"
					+ port + " refused. Check that the hostname and port are correct and that the postmaster is "
					+ "accepting TCP/IP connections.. Start it, or correct the JdbcConnectionDetails bean 'postgres'.");
	}

	@Test
	void thePropertyBeatsTheVariableTheContextDockerAndLocalhost() {
		String url = TestDatabase.serverUrl();

		assertThat(TestServer.discover(url + "&ApplicationName=property", url + "&ApplicationName=variable",
				() -> unused(), () -> unused(), url))
			.isEqualTo(new TestServer(TestServer.URL_PROPERTY, url + "&ApplicationName=property"));
		assertThat(TestServer.find(Map.of(TestServer.URL_PROPERTY, url)::get, () -> unused()))
			.isEqualTo(new TestServer(TestServer.URL_PROPERTY, url));
	}

	@Test
	void theVariableBeatsTheContextDockerAndLocalhost() {
		String url = TestDatabase.serverUrl();

		assertThat(TestServer.discover(" ", url, () -> unused(), () -> unused(), url))
			.isEqualTo(new TestServer(TestServer.URL_VARIABLE, url));
	}

	@Test
	void theContextsServerBeatsDockerAndLocalhost() {
		String url = TestDatabase.serverUrl();
		TestServer named = new TestServer("the JdbcConnectionDetails bean 'postgres'", url + "&ApplicationName=bean");

		assertThat(TestServer.discover(null, null, () -> named, () -> unused(), url)).isSameAs(named);
	}

	@Test
	void withCredentialsEncodesThem() {
		assertThat(TestServer.withCredentials("jdbc:postgresql://db:5432/test?loggerLevel=OFF", "te st", "p&ss=w"))
			.isEqualTo("jdbc:postgresql://db:5432/test?loggerLevel=OFF&user=te%20st&password=p%26ss%3Dw");
		assertThat(TestServer.withCredentials("jdbc:postgresql://db/test", "me", null))
			.isEqualTo("jdbc:postgresql://db/test?user=me");
	}

	/** A port on the loopback interface where nothing listens: taken, then let go. */
	static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static String noServer(int port, String docker) {
		return "Cairn found no PostgreSQL server for test databases: neither cairn.test.url nor "
				+ "CAIRN_TEST_DATABASE_URL is set, no JdbcConnectionDetails bean (a @ServiceConnection "
				+ "PostgreSQLContainer, say) is in a Spring test's context, " + docker + ", and nothing accepts user "
				+ "'postgres' at jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres (Connection to "
				+ "127.0.0.1:" + port + " refused. Check that the hostname and port are correct and that the "
				+ "postmaster is accepting TCP/IP connections.). Start PostgreSQL there, or start Docker with "
				+ "org.testcontainers:testcontainers-postgresql on the test class path, or set "
				+ "CAIRN_TEST_DATABASE_URL (or the system or Spring property cairn.test.url) to a JDBC URL of a server "
				+ "where the user may create databases, for example "
				+ "jdbc:postgresql://db.example.com:5432/postgres?user=test&password=secret.";
	}

	private static <T> T unused() {
		throw new AssertionError("a later source was looked at although an earlier one named a server");
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
