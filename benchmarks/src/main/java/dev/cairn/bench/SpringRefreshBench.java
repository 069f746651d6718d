package dev.cairn.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.cairn.test.AutoConfigureCairnDatabase;
import dev.cairn.test.AutoConfigureCairnDatabase.Refresh;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The Spring goal: a {@code @SpringBootTest} class of N test methods (a
 * {@code @RepeatedTest}), run through the JUnit Platform launcher in this JVM, once with
 * {@code @AutoConfigureCairnDatabase(refresh = AFTER_EACH_TEST_METHOD)} (every method a
 * fresh clone) and once against one shared database that Cairn migrates at startup. An
 * untimed first run of each loads its application context (and builds the template); the
 * timed runs that follow, in the order A B A B, find the context in Spring's cache, so
 * they time the methods and what happens between them.
 */
public final class SpringRefreshBench {

	private SpringRefreshBench() {
	}

	/**
	 * {@code spring [--pairs P] [--server URL] [--user NAME] [--sets sample,generated]}.
	 * @param args the arguments after {@code spring}
	 * @param home the folder of the benchmarks jar
	 * @throws Exception if the server fails
	 */
	static void main(List<String> args, Path home) throws Exception {
		int pairs = 3;
		String server = "jdbc:postgresql://127.0.0.1:5432/";
		String user = "postgres";
		List<String> sets = List.of("sample", "generated");
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--pairs" -> pairs = Integer.parseInt(args.get(++i));
				case "--server" -> server = args.get(++i);
				case "--user" -> user = args.get(++i);
				case "--sets" -> sets = List.of(args.get(++i).split(","));
				default -> throw new IllegalArgumentException("Unknown option " + args.get(i)
						+ "; use spring [--pairs P] [--server URL] [--user NAME] [--sets sample,generated]");
			}
		}
		Map<String, Path> corpora = new LinkedHashMap<>();
		if (sets.contains("sample")) {
			corpora.put("sample app (6)",
					home.getParent().getParent().resolve("sample-app/src/main/resources/db/migrations").normalize());
		}
		if (sets.contains("generated")) {
			corpora.put("generated (350)", Corpus.generate(home.resolve("corpus"), 350).cairn());
		}
		System.setProperty("cairn.test.url", server + "postgres?user=" + user);
		StringBuilder table = new StringBuilder(
				"""
						| migrations | %d test methods | median s | runs (s) | per method ms | first run, context start included (s) | load average (1 min) at the runs |
						| --- | --- | ---: | --- | ---: | ---: | --- |
						"""
					.formatted(PerMethod.METHODS));
		for (Map.Entry<String, Path> corpus : corpora.entrySet()) {
			measure(corpus.getKey(), corpus.getValue(), server, user, pairs, table);
		}
		String clone = System.getProperty("cairn.test.clone-strategy", "FILE_COPY");
		table.append("\nClone strategy ")
			.append(clone)
			.append(", pool of ")
			.append(Integer.getInteger("cairn.test.pool-size", 2))
			.append(".\n");
		System.out.println(table);
		Files.writeString(home.resolve("spring-refresh.md"), table);
	}

	private static void measure(String label, Path folder, String server, String user, int pairs, StringBuilder table)
			throws Exception {
		String shared = "bench_spring_" + ProcessHandle.current().pid() + "_" + Math.abs(folder.hashCode());
		try (Connection admin = DriverManager.getConnection(server + "postgres?user=" + user);
				Statement statement = admin.createStatement()) {
			statement.execute("DROP DATABASE IF EXISTS " + shared + " WITH (FORCE)");
			statement.execute("CREATE DATABASE " + shared);
		}
		try {
			System.setProperty("bench.locations", "filesystem:" + folder);
			System.setProperty("bench.shared-url", server + shared + "?user=" + user);
			Bench.log("%s: first (untimed) runs, which start the two contexts", label);
			double firstPerMethod = run(PerMethod.class);
			double firstShared = run(Shared.class);
			List<Double> perMethod = new ArrayList<>();
			List<Double> sharedRuns = new ArrayList<>();
			List<Double> loads = new ArrayList<>();
			for (int pair = 0; pair < pairs; pair++) {
				loads.add(load());
				perMethod.add(run(PerMethod.class));
				loads.add(load());
				sharedRuns.add(run(Shared.class));
				Bench.log("%s: pair %d: per-method refresh %.2f s, shared %.2f s", label, pair + 1, perMethod.get(pair),
						sharedRuns.get(pair));
			}
			loads.add(load());
			String loadRange = String.format(Locale.ROOT, "%.2f–%.2f", Collections.min(loads), Collections.max(loads));
			row(table, label, "refresh AFTER_EACH_TEST_METHOD (a fresh clone each)", perMethod, firstPerMethod,
					loadRange);
			row(table, label, "one shared database", sharedRuns, firstShared, loadRange);
			table.append("| ")
				.append(label)
				.append(" | ratio of the medians | ")
				.append(String.format(Locale.ROOT, "%.1f×", median(perMethod) / median(sharedRuns)))
				.append(" | | | | |\n");
		}
		finally {
			try (Connection admin = DriverManager.getConnection(server + "postgres?user=" + user);
					Statement statement = admin.createStatement()) {
				statement.execute("DROP DATABASE IF EXISTS " + shared + " WITH (FORCE)");
			}
		}
	}

	/**
	 * Runs a test class and returns its wall time in seconds; a failed test ends the run.
	 */
	private static double run(Class<?> testClass) {
		LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
			.selectors(selectClass(testClass))
			.build();
		Launcher launcher = LauncherFactory.create();
		SummaryGeneratingListener listener = new SummaryGeneratingListener();
		long started = System.nanoTime();
		launcher.execute(request, listener);
		double seconds = (System.nanoTime() - started) / 1e9;
		TestExecutionSummary summary = listener.getSummary();
		if (summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() != PerMethod.METHODS) {
			StringBuilder failures = new StringBuilder();
			summary.getFailures()
				.stream()
				.limit(3)
				.forEach((failure) -> failures.append('\n').append(failure.getException()));
			throw new IllegalStateException(testClass.getSimpleName() + ": " + summary.getTestsSucceededCount() + " of "
					+ PerMethod.METHODS + " test methods passed" + failures);
		}
		return seconds;
	}

	private static void row(StringBuilder table, String label, String way, List<Double> runs, double first,
			String load) {
		double median = median(runs);
		table.append("| ")
			.append(label)
			.append(" | ")
			.append(way)
			.append(" | ")
			.append(String.format(Locale.ROOT, "%.2f", median))
			.append(" | ")
			.append(String.join(", ", runs.stream().map((run) -> String.format(Locale.ROOT, "%.2f", run)).toList()))
			.append(" | ")
			.append(String.format(Locale.ROOT, "%.1f", median * 1000 / PerMethod.METHODS))
			.append(" | ")
			.append(String.format(Locale.ROOT, "%.2f", first))
			.append(" | ")
			.append(load)
			.append(" |\n");
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static double load() throws Exception {
		return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
	}

	/** What each test method does: a read of the history and a write. */
	static void body(JdbcTemplate jdbc) {
		Integer applied = jdbc.queryForObject("SELECT count(*) FROM cairn_history", Integer.class);
		if (applied == null || applied == 0) {
			throw new AssertionError("the database has no migrations applied");
		}
		jdbc.execute("CREATE TABLE IF NOT EXISTS bench_scratch (id serial PRIMARY KEY, note text)");
		jdbc.update("INSERT INTO bench_scratch (note) VALUES (?)", "written by a test");
	}

	/** Every method gets a fresh clone of the template. */
	@SpringBootTest(classes = App.class, properties = "cairn.locations=${bench.locations}")
	@AutoConfigureCairnDatabase(refresh = Refresh.AFTER_EACH_TEST_METHOD)
	public static class PerMethod {

		static final int METHODS = 200;

		@Autowired
		private JdbcTemplate jdbc;

		@RepeatedTest(METHODS)
		void method() {
			body(this.jdbc);
		}

	}

	/**
	 * Every method uses the one database that Cairn migrated when the context started.
	 */
	@SpringBootTest(classes = App.class,
			properties = { "cairn.locations=${bench.locations}", "spring.datasource.url=${bench.shared-url}" })
	public static class Shared {

		@Autowired
		private JdbcTemplate jdbc;

		@RepeatedTest(PerMethod.METHODS)
		void method() {
			body(this.jdbc);
		}

	}

	/** The application: Boot's auto-configuration and Cairn's, nothing else. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	public static class App {

	}

}
