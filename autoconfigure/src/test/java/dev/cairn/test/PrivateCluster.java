package dev.cairn.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own: {@code initdb} into a temporary folder, started
 * with {@code pg_ctl} on a free local port, stopped by {@link #close()}; never a system
 * service. With a password, it checks passwords for real ({@code scram-sha-256}); a
 * {@link #standby()} of it streams from it ({@code pg_basebackup -R}).
 * <p>
 * It needs PostgreSQL's server programs under {@code /usr/lib/postgresql/<version>/bin},
 * which the embedded server of {@link TestDatabase} does not bring: the tests that use it
 * are tagged {@code slow} and run under {@code -Pproofs}. {@code initdb} and the server
 * refuse to run as root, so as root they run as the {@code postgres} user.
 */
public final class PrivateCluster implements AutoCloseable {

	/** The superuser of every private cluster. */
	public static final String SUPERUSER = "postgres";

	private final Path bin;

	private final Path folder;

	private final Path data;

	private final int port;

	private final String password;

	private PrivateCluster(Path bin, Path folder, Path data, int port, String password) {
		this.bin = bin;
		this.folder = folder;
		this.data = data;
		this.port = port;
		this.password = password;
	}

	/**
	 * Creates and starts a cluster that trusts every local connection.
	 * @param settings server settings, such as {@code log_statement=all}
	 * @return the running cluster
	 */
	public static PrivateCluster trusting(String... settings) {
		return create(null, settings);
	}

	/**
	 * Creates and starts a cluster that checks passwords with {@code scram-sha-256}.
	 * @param superuserPassword the password of {@value #SUPERUSER}
	 * @param settings server settings, such as {@code log_statement=all}
	 * @return the running cluster
	 */
	public static PrivateCluster withPasswords(String superuserPassword, String... settings) {
		return create(superuserPassword, settings);
	}

	private static PrivateCluster create(String password, String... settings) {
		try {
			Path bin = serverPrograms();
			Path folder = Files.createTempDirectory("cairn-cluster");
			Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
			Path data = folder.resolve("data");
			List<String> initdb = new ArrayList<>(List.of("-D", data.toString(), "-U", SUPERUSER, "--no-sync"));
			if (password != null) {
				Path passwordFile = folder.resolve("password");
				Files.writeString(passwordFile, password + "\n");
				initdb.addAll(List.of("-A", "scram-sha-256", "--pwfile=" + passwordFile));
			}
			else {
				initdb.addAll(List.of("-A", "trust"));
			}
			run(bin, folder, null, "initdb", initdb.toArray(String[]::new));
			Files.writeString(data.resolve("postgresql.auto.conf"), String.join("\n", settings)
					+ "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" + folder + "'\nfsync = off\n",
					java.nio.file.StandardOpenOption.APPEND);
			PrivateCluster cluster = new PrivateCluster(bin, folder, data, Processes.freePort(), password);
			cluster.start();
			return cluster;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not create a private cluster: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Creates and starts a streaming standby of this cluster, on a port of its own.
	 * @return the running standby
	 */
	public PrivateCluster standby() {
		try {
			Path folder = Files.createTempDirectory("cairn-standby");
			Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
			Path data = folder.resolve("data");
			List<String> command = new ArrayList<>(List.of("-h", "127.0.0.1", "-p", String.valueOf(this.port), "-U",
					SUPERUSER, "-D", data.toString(), "-R", "-X", "stream"));
			run(this.bin, folder, this.password, "pg_basebackup", command.toArray(String[]::new));
			Files.writeString(data.resolve("postgresql.auto.conf"), "\nunix_socket_directories = '" + folder + "'\n",
					java.nio.file.StandardOpenOption.APPEND);
			PrivateCluster standby = new PrivateCluster(this.bin, folder, data, Processes.freePort(), this.password);
			standby.start();
			return standby;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not create a standby: " + ex.getMessage(), ex);
		}
	}

	private void start() {
		run(this.bin, this.folder, null, "pg_ctl", "-D", this.data.toString(), "-l", log().toString(), "-o",
				"-p " + this.port, "-w", "start");
	}

	/**
	 * Returns the JDBC URL of a database of this cluster, without credentials.
	 * @param database the database
	 * @return the URL
	 */
	public String url(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	/**
	 * Returns the port the cluster listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the server's log file.
	 * @return the path
	 */
	public Path log() {
		return this.folder.resolve("server.log");
	}

	/**
	 * Opens a connection to a database as the superuser.
	 * @param database the database
	 * @return the connection
	 */
	public Connection connect(String database) throws SQLException {
		return DriverManager.getConnection(url(database), SUPERUSER, this.password);
	}

	/**
	 * Runs statements as the superuser, each in autocommit.
	 * @param database the database
	 * @param statements the statements
	 */
	public void execute(String database, String... statements) {
		try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	/** Stops the cluster at once; its folder goes with the temporary files. */
	@Override
	public void close() {
		if (Files.exists(this.data.resolve("postmaster.pid"))) {
			run(this.bin, this.folder, null, "pg_ctl", "-D", this.data.toString(), "-m", "immediate", "-w", "stop");
		}
	}

	private static Path serverPrograms() throws IOException {
		try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
			return versions.map((version) -> version.resolve("bin"))
				.filter((candidate) -> Files.isExecutable(candidate.resolve("initdb")))
				.max(Comparator
					.comparing((candidate) -> Integer.parseInt(candidate.getParent().getFileName().toString())))
				.orElseThrow(PrivateCluster::notInstalled);
		}
		catch (NoSuchFileException ex) {
			throw notInstalled();
		}
	}

	private static IllegalStateException notInstalled() {
		return new IllegalStateException("No PostgreSQL server programs (initdb) under /usr/lib/postgresql: this "
				+ "test runs a cluster of its own. Install the postgresql package (.ci/run does).");
	}

	private static void run(Path bin, Path folder, String password, String program, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(bin.resolve(program).toString());
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(Processes.asPostgresUser(command));
		if (password != null) {
			builder.environment().put("PGPASSWORD", password);
		}
		Processes.Finished finished = Processes.run(builder, Duration.ofMinutes(2));
		if (finished.exitCode() != 0) {
			throw new IllegalStateException(program + " failed: " + finished.output());
		}
	}

}
