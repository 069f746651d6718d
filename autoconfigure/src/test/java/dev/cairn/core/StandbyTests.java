package dev.cairn.core;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A real streaming standby, made by the test: a private primary from {@code initdb} and a
 * standby from {@code pg_basebackup -R}, each on a free port of its own. Cairn refuses to
 * migrate the standby before taking any lock, and starts on it when nothing is pending.
 */
@Tag("slow")
class StandbyTests {

	@TempDir
	static Path folder;

	private static Path bin;

	private static int primaryPort;

	private static int standbyPort;

	@BeforeAll
	static void startPrimaryAndStandby() throws Exception {
		bin = serverBinaries();
		Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
		primaryPort = freePort();
		standbyPort = freePort();
		run("initdb", "-D", folder.resolve("primary").toString(), "-A", "trust", "-U", "postgres", "--no-sync");
		start("primary", primaryPort);
		run("pg_basebackup", "-h", "127.0.0.1", "-p", String.valueOf(primaryPort), "-U", "postgres", "-D",
				folder.resolve("standby").toString(), "-R", "-X", "stream");
		start("standby", standbyPort);
	}

	@AfterAll
	static void stopBoth() throws Exception {
		for (String cluster : List.of("standby", "primary")) {
			if (Files.exists(folder.resolve(cluster).resolve("postmaster.pid"))) {
				run("pg_ctl", "-D", folder.resolve(cluster).toString(), "-m", "immediate", "-w", "stop");
			}
		}
	}

	@Test
	void refusesTheStandbyBeforeTakingTheLockAndStartsOnItOnceThePrimaryIsUpToDate() throws Exception {
		Path migrations = Files.createDirectories(folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_accounts.sql"), "CREATE TABLE accounts (id bigint);\n");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator(standbyPort, migrations).migrate())
			.withMessage("Cairn is connected to a read-only standby (server 127.0.0.1:" + standbyPort
					+ ", pg_is_in_recovery() is true), where nothing can be migrated. Nothing was applied. Point "
					+ "cairn.url (or the application's DataSource) at the primary.");
		assertThat(migrator(primaryPort, migrations).migrate().applied()).hasSize(1);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!standbyHasHistory()) {
			assertThat(System.nanoTime()).as("the standby replays the history").isLessThan(deadline);
			Thread.sleep(100);
		}
		MigrateResult onStandby = migrator(standbyPort, migrations).migrate();
		assertThat(onStandby.applied()).isEmpty();
		assertThat(onStandby.currentVersion()).isEqualTo("1");
	}

	private static boolean standbyHasHistory() throws Exception {
		try (Connection connection = DriverManager
			.getConnection("jdbc:postgresql://127.0.0.1:" + standbyPort + "/postgres?user=postgres");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT to_regclass('cairn_history') IS NOT NULL "
						+ "AND EXISTS (SELECT 1 FROM pg_class WHERE relname = 'accounts')")) {
			result.next();
			return result.getBoolean(1) && hasRow(statement);
		}
	}

	private static boolean hasRow(Statement statement) throws Exception {
		try (ResultSet result = statement.executeQuery("SELECT count(*) FROM cairn_history")) {
			result.next();
			return result.getInt(1) > 0;
		}
	}

	private static Migrator migrator(int port, Path migrations) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres");
		return new Migrator(dataSource,
				MigratorSettings.builder().locations(Instances.location(migrations)).lint(LintMode.OFF).build(),
				MigrationListener.NONE, List.of());
	}

	private static void start(String cluster, int port) throws Exception {
		run("pg_ctl", "-D", folder.resolve(cluster).toString(), "-l", folder.resolve(cluster + ".log").toString(), "-o",
				"-p " + port + " -c listen_addresses=127.0.0.1 -k " + folder, "-w", "start");
	}

	private static Path serverBinaries() throws IOException {
		try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
			return versions.map((version) -> version.resolve("bin"))
				.filter((candidate) -> Files.isExecutable(candidate.resolve("initdb")))
				.max(Comparator
					.comparing((candidate) -> Integer.parseInt(candidate.getParent().getFileName().toString())))
				.orElseThrow(() -> new IllegalStateException("No PostgreSQL server binaries (initdb) under "
						+ "/usr/lib/postgresql: install the postgresql package (.ci/run does)."));
		}
		catch (java.nio.file.NoSuchFileException ex) {
			throw new IllegalStateException("No PostgreSQL server binaries under /usr/lib/postgresql: install the "
					+ "postgresql package (.ci/run does).", ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void run(String program, String... arguments) throws Exception {
		List<String> command = new ArrayList<>();
		if ("root".equals(System.getProperty("user.name"))) {
			// initdb and the server refuse to run as root.
			command.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		command.add(bin.resolve(program).toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(folder.resolve(program + ".out").toFile())
			.start();
		if (!process.waitFor(2, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new IllegalStateException(program + " did not finish in 2 minutes");
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(
					program + " failed: " + Files.readString(folder.resolve(program + ".out"), StandardCharsets.UTF_8));
		}
	}

}
