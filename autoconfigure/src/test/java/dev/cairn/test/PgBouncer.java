package dev.cairn.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PgBouncer of the test's own, in front of a {@link TestDatabase}'s server: started
 * daemonised on a free local port with a configuration in a temporary folder, stopped by
 * {@link #close()}; never a system service.
 * <p>
 * The tests that use it carry {@code @Tag(PgBouncer.TAG)}: the default build leaves them
 * out, {@code -Pproofs} runs them, and there a missing {@code pgbouncer} fails the test
 * with what to install. PgBouncer refuses to run as root, so as root it runs as the
 * {@code postgres} user.
 */
public final class PgBouncer implements AutoCloseable {

	/** The JUnit tag of the tests that start a PgBouncer. */
	public static final String TAG = "pgbouncer";

	private final Path folder;

	private final int port;

	private final String serverDatabaseUrl;

	private PgBouncer(Path folder, int port, String serverDatabaseUrl) {
		this.folder = folder;
		this.port = port;
		this.serverDatabaseUrl = serverDatabaseUrl;
	}

	/**
	 * Starts a PgBouncer in transaction mode in front of the database's server.
	 * @param database any database on the server
	 * @param poolSize the server connections per database and user
	 * @return the running PgBouncer
	 */
	public static PgBouncer transactionMode(TestDatabase database, int poolSize) {
		return start(database, "transaction", poolSize);
	}

	/**
	 * Starts a PgBouncer in front of the database's server.
	 * @param database any database on the server
	 * @param poolMode {@code session}, {@code transaction} or {@code statement}
	 * @param poolSize the server connections per database and user
	 * @return the running PgBouncer
	 */
	public static PgBouncer start(TestDatabase database, String poolMode, int poolSize) {
		String executable = executable();
		URI server = URI.create(database.url().substring("jdbc:".length()));
		try {
			Path folder = Files.createTempDirectory("cairn-pgbouncer");
			Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
			int port = Processes.freePort();
			String user = (database.username() != null) ? database.username() : "postgres";
			Files.writeString(folder.resolve("users.txt"), "\"" + user + "\" \"\"\n");
			Files.writeString(folder.resolve("pgbouncer.ini"),
					String.join("\n", "[databases]", "* = host=" + server.getHost() + " port=" + server.getPort(),
							"[pgbouncer]", "listen_addr = 127.0.0.1", "listen_port = " + port, "auth_type = trust",
							"auth_file = " + folder.resolve("users.txt"), "pool_mode = " + poolMode,
							"default_pool_size = " + poolSize, "max_client_conn = 500",
							"logfile = " + folder.resolve("pgb.log"), "pidfile = " + folder.resolve("pgb.pid"),
							"ignore_startup_parameters = extra_float_digits,options", "server_check_delay = 0", ""));
			Processes.Finished started = Processes.run(
					new ProcessBuilder(Processes
						.asPostgresUser(List.of(executable, "-d", folder.resolve("pgbouncer.ini").toString()))),
					Duration.ofSeconds(30));
			if (started.exitCode() != 0) {
				throw new IllegalStateException("pgbouncer did not start: " + started.output());
			}
			awaitPort(port, folder);
			return new PgBouncer(folder, port, database.url());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start pgbouncer: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String executable() {
		for (String candidate : List.of("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		throw new IllegalStateException("pgbouncer is not installed; this test runs a PgBouncer of its own. "
				+ "Install it with: apt-get install -y pgbouncer (.ci/run does).");
	}

	private static void awaitPort(int port, Path folder) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
				return;
			}
			catch (IOException ex) {
				Thread.sleep(50);
			}
		}
		throw new IllegalStateException("pgbouncer did not listen on port " + port + ": " + log(folder));
	}

	/**
	 * Returns the JDBC URL of a database through this PgBouncer.
	 * @param database the database
	 * @return the URL, with the user
	 */
	public String url(TestDatabase database) {
		String user = (database.username() != null) ? database.username() : "postgres";
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database.name() + "?user=" + user;
	}

	/**
	 * Returns the port PgBouncer listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns PgBouncer's log so far.
	 * @return the log
	 */
	public String log() {
		return log(this.folder);
	}

	private static String log(Path folder) {
		try {
			Path log = folder.resolve("pgb.log");
			return Files.exists(log) ? Files.readString(log) : "";
		}
		catch (IOException ex) {
			return ex.getMessage();
		}
	}

	@Override
	public String toString() {
		return "PgBouncer on 127.0.0.1:" + this.port + " in front of " + this.serverDatabaseUrl;
	}

	/** Stops PgBouncer and waits for it to exit. */
	@Override
	public void close() {
		try {
			Path pidFile = this.folder.resolve("pgb.pid");
			if (Files.exists(pidFile)) {
				long pid = Long.parseLong(Files.readString(pidFile).trim());
				ProcessHandle.of(pid).ifPresent((process) -> {
					process.destroy();
					process.onExit().orTimeout(20, TimeUnit.SECONDS).join();
				});
			}
		}
		catch (IOException | RuntimeException ex) {
			throw new IllegalStateException("Could not stop " + this + ": " + ex.getMessage(), ex);
		}
	}

}
