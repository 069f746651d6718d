package dev.cairn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What application traffic sees while a migration waits for a lock behind a long
 * transaction: {@code pgbench} runs point reads on a table, a report holds a transaction
 * that read the table, and a migration runs {@code ALTER TABLE t ADD COLUMN x int}, which
 * needs the table's ACCESS EXCLUSIVE lock; every read queued behind the migration's lock
 * request stalls until the request gives up or is granted. Measured for Cairn's defaults,
 * for Cairn with the old defaults (10 s lock timeout, 3 retries) and for Flyway (no lock
 * timeout).
 */
final class Stall {

	private static final int ROWS = 100_000;

	private final String server;

	private final String user;

	private final String pgbench;

	private final Duration report;

	private final Path folder;

	private Stall(String server, String user, String pgbench, Duration report, Path folder) {
		this.server = server;
		this.user = user;
		this.pgbench = pgbench;
		this.report = report;
		this.folder = folder;
	}

	static void main(List<String> args) throws Exception {
		String server = "jdbc:postgresql://127.0.0.1:5432/";
		String user = "postgres";
		String pgbench = Files.exists(Path.of("/usr/lib/postgresql/15/bin/pgbench"))
				? "/usr/lib/postgresql/15/bin/pgbench" : "pgbench";
		Duration report = Duration.ofSeconds(25);
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--server" -> server = args.get(++i);
				case "--user" -> user = args.get(++i);
				case "--pgbench" -> pgbench = args.get(++i);
				case "--report-seconds" -> report = Duration.ofSeconds(Long.parseLong(args.get(++i)));
				default -> throw new IllegalArgumentException(
						"Unknown option " + args.get(i) + ". Use --server, --user, --pgbench, --report-seconds.");
			}
		}
		Path folder = Files.createDirectories(Path.of("benchmarks/target/stall"));
		Stall stall = new Stall(server, user, pgbench, report, folder);
		List<Result> results = new ArrayList<>();
		results.add(stall.measure("Cairn, defaults (lock_timeout 1 s, 5 min retry budget)", "001_add_x.sql",
				(url, location) -> cairn(url, location, MigratorSettings.builder())));
		results.add(stall.measure("Cairn, old defaults (lock_timeout 10 s, 3 retries)", "001_add_x.sql",
				(url, location) -> cairn(url, location,
						MigratorSettings.builder().lockTimeout(Duration.ofSeconds(10)).lockRetries(3))));
		results.add(stall.measure("Flyway " + flywayVersion() + " (no lock_timeout)", "V1__add_x.sql", Stall::flyway));
		StringBuilder table = new StringBuilder();
		table.append("Report transaction held ")
			.append(report.toSeconds())
			.append(" s; pgbench -c 4 point reads on ")
			.append(ROWS)
			.append(" rows; ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" CPUs, JDK ")
			.append(System.getProperty("java.runtime.version"))
			.append("\n\n");
		table.append("| migrator | longest stall, ms | stalls over 200 ms | p99, ms | p99.9, ms | reads | ")
			.append("migration applied after, ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (Result result : results) {
			table.append(String.format(Locale.ROOT, "| %s | %,d | %d | %.2f | %.2f | %,d | %,d |%n", result.name,
					result.longestMs, result.stalls, result.p99Ms, result.p999Ms, result.reads, result.appliedAfterMs));
		}
		Files.writeString(folder.resolve("results.md"), table);
		System.out.print(table);
	}

	private Result measure(String name, String file, Migration migration) throws Exception {
		String database = "bench_stall_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
		admin("CREATE DATABASE " + database);
		try {
			String url = this.server + database + "?user=" + this.user;
			try (Connection connection = DriverManager.getConnection(url);
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
				statement.execute("INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
				statement.execute("VACUUM ANALYZE t");
			}
			Path script = this.folder.resolve("reads.sql");
			Files.writeString(script, "\\set id random(1, " + ROWS + ")\nSELECT v FROM t WHERE id = :id;\n");
			Path logs = Files.createDirectories(this.folder.resolve(database));
			long seconds = this.report.toSeconds() + 12;
			Process bench = new ProcessBuilder(this.pgbench, "-n", "-c", "4", "-j", "2", "-T", String.valueOf(seconds),
					"-f", script.toString(), "-l", "--log-prefix", logs.resolve("tx").toString(), "-h", host(), "-p",
					port(), "-U", this.user, database)
				.redirectErrorStream(true)
				.redirectOutput(this.folder.resolve(database + ".pgbench.txt").toFile())
				.start();
			Thread.sleep(3_000);
			Connection report = DriverManager.getConnection(url);
			report.setAutoCommit(false);
			try (Statement statement = report.createStatement()) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
				statement.execute("SELECT count(*) FROM t");
			}
			CompletableFuture<Void> ends = CompletableFuture.runAsync(() -> endAfter(report, this.report));
			Thread.sleep(1_000);
			Path migrations = Files.createDirectories(this.folder.resolve(database + "-migrations"));
			Files.writeString(migrations.resolve(file), "ALTER TABLE t ADD COLUMN x int;\n");
			long start = System.nanoTime();
			migration.run(url, migrations);
			long appliedAfter = Duration.ofNanos(System.nanoTime() - start).toMillis();
			ends.get(2, TimeUnit.MINUTES);
			if (!bench.waitFor(seconds + 60, TimeUnit.SECONDS) || bench.exitValue() != 0) {
				throw new IllegalStateException(
						"pgbench failed: " + Files.readString(this.folder.resolve(database + ".pgbench.txt")));
			}
			return Result.of(name, logs, appliedAfter);
		}
		finally {
			admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		}
	}

	private static void cairn(String url, Path location, MigratorSettings.Builder settings) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(url);
		new Migrator(dataSource, settings.locations("filesystem:" + location + "/").build()).migrate();
	}

	private static void flyway(String url, Path location) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(url);
		Flyway.configure()
			.dataSource(dataSource)
			.locations("filesystem:" + location)
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load()
			.migrate();
	}

	private static String flywayVersion() throws IOException {
		try (java.io.InputStream in = Flyway.class.getResourceAsStream("/org/flywaydb/core/internal/version.txt")) {
			return (in != null) ? new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim() : "";
		}
	}

	private static void endAfter(Connection report, Duration after) {
		try (report) {
			Thread.sleep(after.toMillis());
			report.commit();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void admin(String sql) throws Exception {
		try (Connection connection = DriverManager.getConnection(this.server + "postgres?user=" + this.user);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private String host() {
		String rest = this.server.substring("jdbc:postgresql://".length());
		return rest.substring(0, rest.indexOf(':'));
	}

	private String port() {
		String rest = this.server.substring("jdbc:postgresql://".length());
		return rest.substring(rest.indexOf(':') + 1, rest.indexOf('/'));
	}

	@FunctionalInterface
	private interface Migration {

		void run(String url, Path location) throws Exception;

	}

	/**
	 * Latencies read from pgbench's per-transaction logs
	 * ({@code client tx latency_us script epoch us}).
	 */
	private record Result(String name, long longestMs, int stalls, double p99Ms, double p999Ms, int reads,
			long appliedAfterMs) {

		static Result of(String name, Path logs, long appliedAfterMs) throws IOException {
			List<long[]> transactions = new ArrayList<>();
			try (Stream<Path> files = Files.list(logs)) {
				for (Path file : files.toList()) {
					for (String line : Files.readAllLines(file)) {
						String[] fields = line.trim().split("\\s+");
						long latency = Long.parseLong(fields[2]);
						long done = Long.parseLong(fields[4]) * 1_000_000 + Long.parseLong(fields[5]);
						transactions.add(new long[] { latency, done });
					}
				}
			}
			long[] latencies = transactions.stream().mapToLong((t) -> t[0]).sorted().toArray();
			// A stall is a run of reads slower than 200 ms that finish within a second of
			// one another.
			List<long[]> slow = transactions.stream()
				.filter((t) -> t[0] > 200_000)
				.sorted((a, b) -> Long.compare(a[1], b[1]))
				.toList();
			int stalls = 0;
			long lastEnd = Long.MIN_VALUE;
			for (long[] read : slow) {
				if (read[1] - lastEnd > 1_000_000) {
					stalls++;
				}
				lastEnd = read[1];
			}
			return new Result(name, latencies[latencies.length - 1] / 1_000, stalls, percentile(latencies, 0.99),
					percentile(latencies, 0.999), latencies.length, appliedAfterMs);
		}

		private static double percentile(long[] sorted, double fraction) {
			return sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] / 1_000.0;
		}

	}

}
