package dev.cairn.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.bridge.SLF4JBridgeHandler;

import org.springframework.core.io.DefaultResourceLoader;

/**
 * One migration run in a fresh JVM, as at application start:
 * {@code run-one <tool> <jdbc-url> <corpus> [--profile] [--again]}. Prints
 * {@code BENCH-RESULT} with the in-process time of the migrate call (class loading of the
 * tool included), and with {@code --profile} the counts from {@link CountingDataSource}.
 */
final class RunOne {

	private RunOne() {
	}

	static void main(List<String> args) throws Exception {
		Tool tool = Tool.valueOf(args.get(0));
		String url = args.get(1);
		Corpus corpus = new Corpus(Path.of(args.get(2)), -1);
		boolean profile = args.contains("--profile");
		// As in Spring Boot: Liquibase's java.util.logging goes to the same Logback, at
		// INFO, as everyone's.
		SLF4JBridgeHandler.removeHandlersForRootLogger();
		SLF4JBridgeHandler.install();
		// In an application, logging is up before any migration runs; so it is here,
		// outside the timing.
		org.slf4j.LoggerFactory.getLogger(RunOne.class).info("Running {}", tool);

		PGSimpleDataSource pg = new PGSimpleDataSource();
		pg.setURL(url);
		CountingDataSource counter = new CountingDataSource();
		DataSource dataSource = profile ? counter.wrap(pg) : pg;

		var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		var classLoading = ManagementFactory.getClassLoadingMXBean();
		long classesBefore = classLoading.getTotalLoadedClassCount();
		long cpuBefore = os.getProcessCpuTime();
		long start = System.nanoTime();
		migrate(tool, dataSource, corpus);
		long nanos = System.nanoTime() - start;
		long cpuNanos = os.getProcessCpuTime() - cpuBefore;
		long classes = classLoading.getTotalLoadedClassCount() - classesBefore;
		System.out.printf("BENCH-RESULT inProcessMs=%.3f cpuMs=%.1f classes=%d%n", nanos / 1e6, cpuNanos / 1e6,
				classes);
		if (profile) {
			System.out.printf("BENCH-PROFILE connections=%d executions=%d commits=%d jdbcMs=%.3f%n",
					counter.connections, counter.executions, counter.commits, counter.jdbcNanos / 1e6);
			counter.shapes()
				.forEach((shape, entry) -> System.out.printf("BENCH-SHAPE %d %d %s%n", entry[0], entry[1], shape));
		}
		if (args.contains("--again")) {
			// The same call once more in the now warm JVM: for a no-op, what is left
			// without class loading and JIT.
			long again = System.nanoTime();
			migrate(tool, pg, corpus);
			System.out.printf("BENCH-AGAIN ms=%.3f%n", (System.nanoTime() - again) / 1e6);
		}
		System.out.flush();
	}

	private static void migrate(Tool tool, DataSource dataSource, Corpus corpus) throws Exception {
		switch (tool) {
			case CAIRN -> new Migrator(dataSource,
					MigratorSettings.builder().locations("filesystem:" + corpus.cairn().toAbsolutePath()).build())
				.migrate();
			case FLYWAY -> Flyway.configure()
				.dataSource(dataSource)
				.locations("filesystem:" + corpus.flyway().toAbsolutePath())
				.load()
				.migrate();
			case LIQUIBASE -> {
				SpringLiquibase liquibase = new SpringLiquibase();
				liquibase.setDataSource(dataSource);
				liquibase.setResourceLoader(new DefaultResourceLoader());
				liquibase.setChangeLog("file:" + corpus.liquibaseChangelog().toAbsolutePath());
				liquibase.afterPropertiesSet();
			}
			case JDBC -> plainJdbc(dataSource, corpus.cairn());
			case PSQL -> throw new IllegalArgumentException("psql runs as its own process");
		}
	}

	/**
	 * The least a JVM migration runner can do: one connection; read the history once; per
	 * file read it, hash it, and (if new) run the whole file as one execute, insert its
	 * history row and commit.
	 */
	static void plainJdbc(DataSource dataSource, Path folder) throws Exception {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("""
					CREATE TABLE IF NOT EXISTS jdbc_history (
					    version integer PRIMARY KEY,
					    script text NOT NULL,
					    checksum text NOT NULL,
					    installed_on timestamptz NOT NULL DEFAULT now()
					)""");
			Map<Integer, String> applied = new HashMap<>();
			try (ResultSet rows = statement.executeQuery("SELECT version, checksum FROM jdbc_history")) {
				while (rows.next()) {
					applied.put(rows.getInt(1), rows.getString(2));
				}
			}
			List<Path> files;
			try (Stream<Path> listing = Files.list(folder)) {
				files = listing.filter((file) -> file.toString().endsWith(".sql")).sorted().toList();
			}
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection
				.prepareStatement("INSERT INTO jdbc_history (version, script, checksum) VALUES (?, ?, ?)")) {
				for (Path file : files) {
					String name = file.getFileName().toString();
					int version = Integer.parseInt(name.substring(0, name.indexOf('_')));
					String sql = Files.readString(file, StandardCharsets.UTF_8);
					String checksum = HexFormat.of()
						.formatHex(MessageDigest.getInstance("SHA-256").digest(sql.getBytes(StandardCharsets.UTF_8)));
					String known = applied.get(version);
					if (known != null) {
						if (!known.equals(checksum)) {
							throw new IllegalStateException(name + " changed after it was applied");
						}
						continue;
					}
					statement.execute(sql);
					insert.setInt(1, version);
					insert.setString(2, name);
					insert.setString(3, checksum);
					insert.executeUpdate();
					connection.commit();
				}
			}
		}
	}

}
