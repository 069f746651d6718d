package dev.cairn.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Gives a test class a fresh PostgreSQL database of its own and drops it afterwards.
 * <p>
 * The server is found in this order: the JDBC URL in {@code CAIRN_TEST_DATABASE_URL} (any database on the server;
 * the user must be allowed to create databases); a Testcontainers {@code PostgreSQLContainer} when a Docker engine
 * answers; a server on {@code localhost:5432} with user {@code postgres}. When none answers, the test fails with a
 * message saying how to provide one. Use it as
 * {@code @RegisterExtension static final TestDatabase database = new TestDatabase();} for one database per test
 * class, or on an instance field ({@code final TestDatabase database = new TestDatabase();}) for one per test.
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private static final String LOCAL_URL = "jdbc:postgresql://localhost:5432/postgres";

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
	 * Returns the database as a libpq connection URI, for {@code psql} and {@code pg_dump}.
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
	 * Points Spring Boot's {@code spring.datasource.*} at this database, for a {@code @DynamicPropertySource}.
	 * @param registry the registry the source method receives
	 */
	public void registerAsDataSource(org.springframework.test.context.DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", this::url);
		registry.add("spring.datasource.username", this::username);
		registry.add("spring.datasource.password", this::password);
	}

	/**
	 * Returns a non-pooled data source for the database: each connection is a new session.
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

	private void admin(String sql) {
		Server server = server();
		try (Connection connection = server.connectAdmin(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + server.adminUrl() + ": " + ex.getMessage(),
					ex);
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
		String configured = System.getenv("CAIRN_TEST_DATABASE_URL");
		if (configured != null && !configured.isBlank()) {
			Server candidate = new Server(configured, null, null);
			candidate.check("CAIRN_TEST_DATABASE_URL");
			return candidate;
		}
		Server container = ContainerServer.startIfDockerAnswers();
		if (container != null) {
			return container;
		}
		Server local = new Server(LOCAL_URL, "postgres", null);
		try (Connection connection = local.connectAdmin()) {
			return local;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("""
					Cairn's tests need a real PostgreSQL server and found none: CAIRN_TEST_DATABASE_URL is not set, \
					no Docker engine answers for Testcontainers, and nothing accepts user 'postgres' on localhost:5432 \
					(%s). Start PostgreSQL locally (for example 'pg_ctlcluster 15 main start'), or set \
					CAIRN_TEST_DATABASE_URL=jdbc:postgresql://host:5432/postgres?user=...&password=... to a server \
					where that user may create databases.""".formatted(ex.getMessage()), ex);
		}
	}

	/** A PostgreSQL server where test databases are created. */
	record Server(String adminUrl, String username, String password) {

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

		void check(String source) {
			try (Connection connection = connectAdmin()) {
				// connected
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot connect to the PostgreSQL server in " + source + " ("
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
