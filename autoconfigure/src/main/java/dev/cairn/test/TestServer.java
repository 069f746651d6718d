package dev.cairn.test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL server where test databases are made, and where it is found, in this
 * order: the JDBC URL in {@code cairn.test.url} (a system property, or a Spring property
 * for {@link AutoConfigureCairnDatabase}); the JDBC URL in the environment variable
 * {@code CAIRN_TEST_DATABASE_URL}; in a Spring test, a {@code JdbcConnectionDetails} bean
 * of the test's context, such as a {@code @ServiceConnection} PostgreSQL container; a
 * PostgreSQL container that Testcontainers starts when a Docker engine answers;
 * {@code localhost:5432} with user {@code postgres}; otherwise an error that says how to
 * provide one.
 *
 * @param source where the URL came from, for messages
 * @param url a JDBC URL of any database on the server, credentials in its query; its user
 * must be allowed to create databases
 */
public record TestServer(String source, String url) {

	/** The property that names the server. */
	public static final String URL_PROPERTY = "cairn.test.url";

	/** The environment variable that names the server. */
	public static final String URL_VARIABLE = "CAIRN_TEST_DATABASE_URL";

	static final String LOCAL_URL = "jdbc:postgresql://localhost:5432/postgres?user=postgres";

	/**
	 * Finds the server outside Spring, reading {@code cairn.test.url} from the system
	 * properties and {@code CAIRN_TEST_DATABASE_URL} from the environment.
	 * @return the server, which answered
	 * @throws IllegalStateException saying how to provide a server when none answers
	 */
	public static TestServer find() {
		return find(TestServer::system, () -> null);
	}

	/**
	 * Finds the server in the order the class comment gives.
	 * @param properties looks up {@code cairn.test.url} and
	 * {@code CAIRN_TEST_DATABASE_URL}, returning {@code null} when unset
	 * @param context the server the test's Spring context names, or {@code null}
	 * @return the server, which answered
	 * @throws IllegalStateException saying how to provide a server when none answers
	 */
	public static TestServer find(UnaryOperator<@Nullable String> properties, Supplier<@Nullable TestServer> context) {
		return discover(properties.apply(URL_PROPERTY), properties.apply(URL_VARIABLE), context, DockerServer::find,
				LOCAL_URL);
	}

	static TestServer discover(@Nullable String property, @Nullable String variable,
			Supplier<@Nullable TestServer> context, Supplier<DockerServer.Found> docker, String localUrl) {
		if (property != null && !property.isBlank()) {
			return checked(new TestServer(URL_PROPERTY, property.strip()));
		}
		if (variable != null && !variable.isBlank()) {
			return checked(new TestServer(URL_VARIABLE, variable.strip()));
		}
		TestServer named = context.get();
		if (named != null) {
			return checked(named);
		}
		DockerServer.Found container = docker.get();
		if (container.server() != null) {
			return container.server();
		}
		TestServer local = new TestServer("localhost", localUrl);
		try (Connection connection = local.connect()) {
			return local;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("""
					Cairn found no PostgreSQL server for test databases: neither %s nor %s is set, no \
					JdbcConnectionDetails bean (a @ServiceConnection PostgreSQLContainer, say) is in a Spring test's \
					context, %s, and nothing accepts user 'postgres' at %s (%s). Start PostgreSQL there, or start \
					Docker with org.testcontainers:testcontainers-postgresql on the test class path, or set %s (or the \
					system or Spring property %s) to a JDBC URL of a server where the user may create databases, for \
					example jdbc:postgresql://db.example.com:5432/postgres?user=test&password=secret.""".formatted(
					URL_PROPERTY, URL_VARIABLE, container.absence(), redact(localUrl), ex.getMessage(), URL_VARIABLE,
					URL_PROPERTY), ex);
		}
	}

	private static TestServer checked(TestServer server) {
		try (Connection connection = server.connect()) {
			return server;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot connect to the PostgreSQL server in " + server.source + " ("
					+ redact(server.url) + "): " + ex.getMessage() + ". Start it, or correct " + server.source + ".",
					ex);
		}
	}

	private static @Nullable String system(String name) {
		return name.equals(URL_VARIABLE) ? System.getenv(name) : System.getProperty(name);
	}

	/**
	 * Returns a URL with a user and password added to its query, as a server that names
	 * them apart (a {@code JdbcConnectionDetails}, a container) needs for this record.
	 * @param url the JDBC URL
	 * @param user the user, or {@code null} to add none
	 * @param password the password, or {@code null} to add none
	 * @return the URL with the credentials
	 */
	static String withCredentials(String url, @Nullable String user, @Nullable String password) {
		StringBuilder result = new StringBuilder(url);
		if (user != null) {
			result.append(result.indexOf("?") < 0 ? '?' : '&').append("user=").append(encode(user));
		}
		if (password != null) {
			result.append(result.indexOf("?") < 0 ? '?' : '&').append("password=").append(encode(password));
		}
		return result.toString();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * Opens a connection to the database in the URL.
	 * @return the connection
	 * @throws SQLException if the server refuses
	 */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(this.url);
	}

	/**
	 * Returns the URL of another database on this server, with the same parameters.
	 * @param database the database's name
	 * @return the JDBC URL, credentials included
	 */
	public String urlFor(String database) {
		int query = this.url.indexOf('?');
		String base = (query >= 0) ? this.url.substring(0, query) : this.url;
		String parameters = (query >= 0) ? this.url.substring(query) : "";
		int slash = base.indexOf('/', "jdbc:postgresql://".length());
		String server = (slash >= 0) ? base.substring(0, slash) : base;
		return server + "/" + database + parameters;
	}

	/**
	 * Returns a URL with its password replaced by {@code ***}, for messages and logs.
	 * @param url the JDBC URL
	 * @return the URL without the password
	 */
	static String redact(String url) {
		return url.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
	}

}
