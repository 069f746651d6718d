package dev.cairn.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL server where test databases are made, and where it is found: the JDBC
 * URL in {@code cairn.test.url} (a system property, or a Spring property for
 * {@link AutoConfigureCairnDatabase}) or else in the environment variable
 * {@code CAIRN_TEST_DATABASE_URL}; otherwise {@code localhost:5432} with user
 * {@code postgres}; otherwise an error that says how to provide one.
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
	 * Finds the server in the order the class comment gives.
	 * @param properties looks a property up ({@code cairn.test.url}), returning
	 * {@code null} when unset
	 * @return the server, which answered
	 * @throws IllegalStateException saying how to provide a server when none answers
	 */
	public static TestServer find(UnaryOperator<@Nullable String> properties) {
		String configured = properties.apply(URL_PROPERTY);
		if (configured != null && !configured.isBlank()) {
			return discover(URL_PROPERTY, configured, LOCAL_URL);
		}
		return discover(URL_VARIABLE, System.getenv(URL_VARIABLE), LOCAL_URL);
	}

	static TestServer discover(String source, @Nullable String configured, String localUrl) {
		if (configured != null && !configured.isBlank()) {
			TestServer server = new TestServer(source, configured.strip());
			try (Connection connection = server.connect()) {
				return server;
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot connect to the PostgreSQL server in " + source + " ("
						+ redact(server.url) + "): " + ex.getMessage() + ". Start it, or correct " + source + ".", ex);
			}
		}
		TestServer local = new TestServer("localhost", localUrl);
		try (Connection connection = local.connect()) {
			return local;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("""
					Cairn found no PostgreSQL server for test databases: neither %s nor %s is set, and nothing \
					accepts user 'postgres' at %s (%s). Start PostgreSQL there, or set %s (or the system or Spring \
					property %s) to a JDBC URL of a server where the user may create databases, for example \
					jdbc:postgresql://db.example.com:5432/postgres?user=test&password=secret.""".formatted(URL_PROPERTY,
					URL_VARIABLE, redact(localUrl), ex.getMessage(), URL_VARIABLE, URL_PROPERTY), ex);
		}
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
