package dev.cairn.test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.cairn.core.LintMode;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh database per test, three ways, side by side in one run: (a) create an empty
 * database and migrate it with Cairn, (b) clone Cairn's template (with the pool of clones
 * made ahead, and without it), (c) plain {@code CREATE DATABASE} of an empty database,
 * the floor. It sits in {@code dev.cairn.test} to reach the template machinery the
 * extension and {@code @AutoConfigureCairnDatabase} use.
 */
public final class FreshDatabaseBench {

	/** The untimed pause between two measurements, standing in for a test's body. */
	private static final long TEST_BODY_MILLIS = 50;

	private final TestServer server;

	private final int rounds;

	private final int migrateRounds;

	private int databases;

	private Connection admin;

	private FreshDatabaseBench(TestServer server, int rounds, int migrateRounds) {
		this.server = server;
		this.rounds = rounds;
		this.migrateRounds = migrateRounds;
	}

	/**
	 * Runs the measurement and returns the report.
	 * @param serverUrl the server, as {@code jdbc:postgresql://host:port/}
	 * @param user the user
	 * @param corpora a label and a {@code filesystem:} location for each migration set
	 * @param rounds the clones and plain creates timed per set
	 * @param migrateRounds the migrations of an empty database timed per set
	 * @return the Markdown table
	 * @throws Exception if the server fails
	 */
	public static String run(String serverUrl, String user, Map<String, Path> corpora, int rounds, int migrateRounds)
			throws Exception {
		FreshDatabaseBench bench = new FreshDatabaseBench(new TestServer("bench", serverUrl + "postgres?user=" + user),
				rounds, migrateRounds);
		StringBuilder table = new StringBuilder("""
				| migrations | way | median ms | p90 ms | min ms | n |
				| --- | --- | ---: | ---: | ---: | ---: |
				""");
		for (Map.Entry<String, Path> corpus : corpora.entrySet()) {
			bench.measure(corpus.getKey(), corpus.getValue(), table);
		}
		return table.toString();
	}

	private void measure(String label, Path folder, StringBuilder table) throws Exception {
		// A placeholder no file uses: a key of this run's own, so the build is timed too.
		MigratorSettings settings = MigratorSettings.builder()
			.locations("filesystem:" + folder)
			.placeholders(Map.of("bench", Long.toString(System.nanoTime())))
			.lint(LintMode.OFF)
			.build();
		TemplateRecipe recipe = new TemplateRecipe(settings, List.of());
		Templates pooled = Templates.connect(this.server, 2);
		Templates direct = Templates.connect(this.server, 0);
		System.setProperty("cairn.test.clone-strategy", "WAL_LOG");
		Templates walLog = Templates.connect(this.server, 0);
		System.clearProperty("cairn.test.clone-strategy");
		try {
			long started = System.nanoTime();
			String template = direct.template(recipe);
			double build = (System.nanoTime() - started) / 1e6;
			log("%s: built the template in %.0f ms", label, build);
			pooled.template(recipe);
			walLog.template(recipe);
			pooled.drop(pooled.take(template));
			Thread.sleep(500);
			List<Double> migrate = new ArrayList<>();
			List<Double> clonePooled = new ArrayList<>();
			List<Double> cloneDirect = new ArrayList<>();
			List<Double> cloneWalLog = new ArrayList<>();
			List<Double> plain = new ArrayList<>();
			for (int round = 0; round < this.rounds; round++) {
				if (round < this.migrateRounds) {
					migrate.add(migrateEmpty(settings));
					pause();
				}
				clonePooled.add(timed(() -> pooled.take(template), pooled::drop));
				pause();
				cloneDirect.add(timed(() -> direct.take(template), direct::drop));
				pause();
				cloneWalLog.add(timed(() -> walLog.take(template), walLog::drop));
				pause();
				plain.add(timed(this::createEmpty, this::dropNow));
				pause();
			}
			List<Double> backToBack50 = backToBack(pooled, template, 50);
			List<Double> backToBack10 = backToBack(pooled, template, 10);
			row(table, label, "(a) create empty + Cairn migrate", migrate);
			row(table, label, "(b) pool of 2, a take every ~0.5 s (between the other measurements)", clonePooled);
			row(table, label, "(b) pool of 2, back-to-back tests of 50 ms", backToBack50);
			row(table, label, "(b) pool of 2, back-to-back tests of 10 ms", backToBack10);
			row(table, label, "(b) clone the template, no pool, STRATEGY FILE_COPY", cloneDirect);
			row(table, label, "(b) clone the template, no pool, STRATEGY WAL_LOG", cloneWalLog);
			row(table, label, "(c) plain CREATE DATABASE, empty", plain);
			table.append("| ")
				.append(label)
				.append(" | template build, once per key | ")
				.append("%.0f".formatted(build))
				.append(" | | | 1 |\n");
			log("%s: done", label);
		}
		finally {
			pooled.close();
			direct.close();
			walLog.close();
		}
	}

	/** Takes clones one after another, as consecutive tests of a given length would. */
	private List<Double> backToBack(Templates pooled, String template, long testMillis) throws Exception {
		Thread.sleep(1000);
		List<Double> waits = new ArrayList<>();
		for (int i = 0; i < this.rounds; i++) {
			waits.add(timed(() -> pooled.take(template), pooled::drop));
			Thread.sleep(testMillis);
		}
		return waits;
	}

	private double migrateEmpty(MigratorSettings settings) throws Exception {
		String name = nextName();
		long started = System.nanoTime();
		createNamed(name);
		try {
			PGSimpleDataSource dataSource = new PGSimpleDataSource();
			dataSource.setURL(this.server.urlFor(name));
			new Migrator(dataSource, settings, MigrationListener.NONE, List.of()).migrate();
			return (System.nanoTime() - started) / 1e6;
		}
		finally {
			dropNow(name);
		}
	}

	private String createEmpty() throws SQLException {
		String name = nextName();
		createNamed(name);
		return name;
	}

	private String nextName() {
		return "bench_fresh_" + ProcessHandle.current().pid() + "_" + (++this.databases);
	}

	private void createNamed(String name) throws SQLException {
		admin("CREATE DATABASE " + name);
	}

	private void dropNow(String name) {
		try {
			admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** On one connection kept open, as the template machinery keeps its own. */
	private void admin(String sql) throws SQLException {
		if (this.admin == null) {
			this.admin = this.server.connect();
		}
		try (Statement statement = this.admin.createStatement()) {
			statement.execute(sql);
		}
	}

	private static double timed(Make make, java.util.function.Consumer<String> drop) throws Exception {
		long started = System.nanoTime();
		String name = make.make();
		double millis = (System.nanoTime() - started) / 1e6;
		drop.accept(name);
		return millis;
	}

	private static void pause() throws InterruptedException {
		Thread.sleep(TEST_BODY_MILLIS);
	}

	private static void row(StringBuilder table, String label, String way, List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		table.append("| %s | %s | %.1f | %.1f | %.1f | %d |%n".formatted(label, way, percentile(sorted, 0.5),
				percentile(sorted, 0.9), sorted.get(0), sorted.size()));
	}

	private static double percentile(List<Double> sorted, double p) {
		int index = (int) Math.ceil(p * sorted.size()) - 1;
		return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
	}

	private static void log(String format, Object... args) {
		System.err.println(format.formatted(args));
	}

	private interface Make {

		String make() throws Exception;

	}

}
