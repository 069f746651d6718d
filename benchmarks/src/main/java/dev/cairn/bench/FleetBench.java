package dev.cairn.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import dev.cairn.core.MigratorSettings;
import dev.cairn.core.TenantMigrations;
import dev.cairn.core.TenantSettings;
import dev.cairn.core.TenantSource;
import org.flywaydb.core.Flyway;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The fleet benchmark: S tenant schemas × M generated migrations each, applied by Cairn's
 * {@link TenantMigrations} at parallelism 1, 2 and 4, by a loop of Flyway
 * {@code migrate()} over the schemas (how its users do it), and by a plain-JDBC loop at
 * the same parallelism; then the no-op run with every tenant up to date. Each measurement
 * gets a fresh database and the same non-pooled DataSource, whose peak of open
 * connections is reported.
 * <p>
 * Arguments: {@code [schemas] [migrations] [server URL] [user]}, by default
 * {@code 200 20 jdbc:postgresql://127.0.0.1:5432/ postgres}; the system property
 * {@code fleet.database} names the database each row creates and drops (by default
 * {@code fleet_bench_<pid>}), and {@code fleet.tools} keeps only some of the tools
 * ({@code cairn}, {@code flyway}, {@code jdbc}, comma-separated; all by default). Prints
 * a Markdown table, with the machine's one-minute load average at the end of each row.
 * {@code fleet.pool=hikari} puts a Hikari pool of 2 × parallelism connections in front,
 * as a Spring Boot application's DataSource is.
 */
public final class FleetBench {

	private FleetBench() {
	}

	public static void main(String[] args) throws Exception {
		int schemas = (args.length > 0) ? Integer.parseInt(args[0]) : 200;
		int migrations = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		String server = (args.length > 2) ? args[2] : "jdbc:postgresql://127.0.0.1:5432/";
		String user = (args.length > 3) ? args[3] : "postgres";
		List<String> tenants = IntStream.rangeClosed(1, schemas).mapToObj("tenant_%04d"::formatted).toList();
		Path corpus = Files.createTempDirectory("fleet-corpus");
		Path cairnFiles = Files.createDirectories(corpus.resolve("cairn"));
		Path flywayFiles = Files.createDirectories(corpus.resolve("flyway"));
		List<String> texts = new ArrayList<>();
		for (int i = 1; i <= migrations; i++) {
			String sql = "CREATE TABLE t_" + i + " (id bigint PRIMARY KEY, "
					+ ((i > 1) ? "parent bigint REFERENCES t_" + (i - 1) + ", " : "") + "name text NOT NULL);\n"
					+ "CREATE INDEX t_" + i + "_name ON t_" + i + " (name);\n" + "INSERT INTO t_" + i
					+ " (id, name) VALUES (1, 'a;b -- ''c''');\n";
			texts.add(sql);
			Files.writeString(cairnFiles.resolve("%03d_t_%d.sql".formatted(i, i)), sql);
			Files.writeString(flywayFiles.resolve("V%d__t_%d.sql".formatted(i, i)), sql);
		}
		System.out.println("| tool | parallelism | apply " + schemas + " × " + migrations
				+ " (s) | no-op, all up to date (s) | peak connections | load average |");
		System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
		List<String> tools = List.of(System.getProperty("fleet.tools", "cairn,flyway,jdbc").split(","));
		for (int parallelism : tools.contains("cairn") ? new int[] { 1, 2, 4 } : new int[0]) {
			row("Cairn TenantMigrations", parallelism, server, user,
					(ds) -> new TenantMigrations(ds, MigratorSettings.defaults(),
							new TenantSettings(List.of("filesystem:" + cairnFiles), parallelism,
									TenantSettings.OnError.FAIL, null),
							TenantSource.of(tenants))
						.migrateAll());
		}
		if (tools.contains("flyway")) {
			row("Flyway migrate() loop", 1, server, user, (ds) -> {
				for (String tenant : tenants) {
					Flyway.configure()
						.dataSource(ds)
						.schemas(tenant)
						.locations("filesystem:" + flywayFiles)
						.load()
						.migrate();
				}
			});
		}
		for (int parallelism : tools.contains("jdbc") ? new int[] { 1, 2, 4 } : new int[0]) {
			row("plain JDBC loop", parallelism, server, user, (ds) -> jdbcLoop(ds, tenants, texts, parallelism));
		}
	}

	private static void row(String tool, int parallelism, String server, String user, Run run) throws Exception {
		String database = System.getProperty("fleet.database", "fleet_bench_" + ProcessHandle.current().pid());
		admin(server, user, "DROP DATABASE IF EXISTS " + database);
		admin(server, user, "CREATE DATABASE " + database + " TEMPLATE template0");
		try {
			PGSimpleDataSource target = new PGSimpleDataSource();
			target.setUrl(server + database);
			target.setUser(user);
			Peak peak = new Peak();
			boolean pooled = "hikari".equals(System.getProperty("fleet.pool"));
			// What a Spring Boot application hands its migrator: a Hikari pool, here
			// sized
			// to what the run may hold at once.
			HikariDataSource pool = pooled ? new HikariDataSource() : null;
			if (pool != null) {
				pool.setDataSource(target);
				pool.setMaximumPoolSize(2 * parallelism);
				pool.setMinimumIdle(0);
			}
			DataSource dataSource = peak.wrap((pool != null) ? pool : target);
			try {
				long start = System.nanoTime();
				run.run(dataSource);
				double apply = (System.nanoTime() - start) / 1e9;
				start = System.nanoTime();
				run.run(dataSource);
				double noop = (System.nanoTime() - start) / 1e9;
				System.out.printf("| %s%s | %d | %.1f | %.2f | %d | %s |%n", tool, pooled ? ", Hikari pool" : "",
						parallelism, apply, noop, peak.max.get(), loadAverage());
			}
			finally {
				if (pool != null) {
					pool.close();
				}
			}
		}
		finally {
			admin(server, user, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		}
	}

	/**
	 * The least a runner can do per schema: one connection, the history read once, then
	 * per file a SHA-256 and, when new, the file in one statement with its history row,
	 * committed together.
	 */
	private static void jdbcLoop(DataSource dataSource, List<String> tenants, List<String> texts, int parallelism)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(parallelism);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (String tenant : tenants) {
				futures.add(pool.submit(() -> {
					jdbcOne(dataSource, tenant, texts);
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdown();
		}
	}

	private static void jdbcOne(DataSource dataSource, String tenant, List<String> texts) throws Exception {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE SCHEMA IF NOT EXISTS " + tenant);
			statement.execute("SET search_path = " + tenant);
			statement.execute("CREATE TABLE IF NOT EXISTS history (version int PRIMARY KEY, checksum text NOT NULL)");
			List<Integer> applied = new ArrayList<>();
			try (var rows = statement.executeQuery("SELECT version FROM history")) {
				while (rows.next()) {
					applied.add(rows.getInt(1));
				}
			}
			connection.setAutoCommit(false);
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			for (int i = 0; i < texts.size(); i++) {
				String checksum = HexFormat.of().formatHex(sha.digest(texts.get(i).getBytes(StandardCharsets.UTF_8)));
				if (applied.contains(i + 1)) {
					continue;
				}
				statement.execute(texts.get(i));
				try (PreparedStatement insert = connection
					.prepareStatement("INSERT INTO history (version, checksum) VALUES (?, ?)")) {
					insert.setInt(1, i + 1);
					insert.setString(2, checksum);
					insert.executeUpdate();
				}
				connection.commit();
			}
		}
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
		}
		catch (java.io.IOException ex) {
			return "?";
		}
	}

	private static void admin(String server, String user, String sql) throws Exception {
		try (Connection connection = DriverManager.getConnection(server + "postgres?user=" + user);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	@FunctionalInterface
	private interface Run {

		void run(DataSource dataSource) throws Exception;

	}

	/**
	 * Counts the connections open at once through a DataSource.
	 */
	private static final class Peak {

		final AtomicInteger open = new AtomicInteger();

		final AtomicInteger max = new AtomicInteger();

		DataSource wrap(DataSource target) {
			return (DataSource) Proxy.newProxyInstance(FleetBench.class.getClassLoader(),
					new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
						Object result = invoke(target, method, args);
						if (result instanceof Connection connection) {
							this.max.accumulateAndGet(this.open.incrementAndGet(), Math::max);
							return connection(connection);
						}
						return result;
					});
		}

		private Connection connection(Connection target) {
			AtomicInteger closed = new AtomicInteger();
			return (Connection) Proxy.newProxyInstance(FleetBench.class.getClassLoader(),
					new Class<?>[] { Connection.class }, (proxy, method, args) -> {
						if (method.getName().equals("close") && closed.getAndIncrement() == 0) {
							this.open.decrementAndGet();
						}
						return invoke(target, method, args);
					});
		}

		private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
			try {
				return method.invoke(target, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}
