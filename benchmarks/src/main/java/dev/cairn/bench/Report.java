package dev.cairn.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Renders {@link Results} as Markdown: medians with min–max, ratios from the same run,
 * and the goals.
 */
final class Report {

	private static final List<Tool> RATIO_AGAINST = List.of(Tool.JDBC, Tool.FLYWAY, Tool.LIQUIBASE, Tool.PSQL);

	private final Results results;

	private final Bench.Options options;

	private final Machine machine;

	private final double minutes;

	private final StringBuilder out = new StringBuilder();

	Report(Results results, Bench.Options options, Machine machine, double minutes) {
		this.results = results;
		this.options = options;
		this.machine = machine;
		this.minutes = minutes;
	}

	String render() {
		line("# Cairn benchmark results");
		line("");
		line("- Mode: %s, %d rounds, tools alternating A B A B, a fresh database per measurement; took %.1f min.",
				this.options.full ? "full" : "quick", this.options.rounds, this.minutes);
		line("- Cairn commit: %s", this.machine.commit());
		line("- Machine: %d CPUs (`nproc`), memory `%s` (`free -h`), %s, %s, %s.", this.machine.cpus(),
				this.machine.memory(), this.machine.postgres(), this.machine.jdk(), this.machine.psql());
		line("- Spring Boot %s, Flyway %s (flyway-core + flyway-database-postgresql), Liquibase %s, pgjdbc %s.",
				version("spring-boot"), version("flyway"), version("liquibase"), version("postgresql-jdbc"));
		if (this.results.noisyLaunches > 0) {
			line("- %d timed launches started while other processes kept more than 30%% of the CPUs busy (after up to 10 s of waiting, 3 min in all).",
					this.results.noisyLaunches);
		}
		line("- Times in ms as median (min–max). Ratios are taken within each round (the two tools ran back to back) "
				+ "and shown as median (min–max).");
		line("- *In-process* is the migrate call inside a fresh JVM (class loading "
				+ "of the tool included); *process* is that JVM from launch to exit (psql: the psql process).");
		migrationTables("apply", "Apply N migrations to an empty database", true);
		migrationTables("noop", "No-op run with N applied", false);
		bootTables();
		goals();
		profiles();
		if (!this.results.failures.isEmpty()) {
			line("");
			line("## Not measured");
			line("");
			this.results.failures.forEach((what, why) -> line("- **%s**: %s", what, why.replace("|", "\\|")));
		}
		return this.out.toString();
	}

	private String version(String key) {
		return this.machine.versions().getProperty(key, "?");
	}

	private void migrationTables(String kind, String title, boolean withPsql) {
		Map<Integer, Map<Tool, List<Results.Run>>> byN = this.results.migrations.get(kind);
		if (byN == null) {
			return;
		}
		List<Tool> tools = new ArrayList<>(List.of(Tool.CAIRN, Tool.FLYWAY, Tool.LIQUIBASE, Tool.JDBC));
		if (withPsql) {
			tools.add(Tool.PSQL);
		}
		for (String measure : List.of("in-process", "process")) {
			ToDoubleFunction<Results.Run> value = measure.equals("process") ? Results.Run::processMs
					: Results.Run::inProcessMs;
			line("");
			line("## %s — %s ms", title, measure);
			line("");
			StringBuilder header = new StringBuilder("| N |");
			StringBuilder rule = new StringBuilder("| ---: |");
			for (Tool tool : tools) {
				header.append(' ').append(tool.label).append(" |");
				rule.append(" ---: |");
			}
			for (Tool other : RATIO_AGAINST) {
				if (tools.contains(other) && !(other == Tool.PSQL && measure.equals("in-process"))) {
					header.append(" Cairn / ").append(other.label).append(" |");
					rule.append(" ---: |");
				}
			}
			line(header.toString());
			line(rule.toString());
			byN.forEach((n, byTool) -> {
				StringBuilder row = new StringBuilder("| " + n + " |");
				for (Tool tool : tools) {
					row.append(' ').append(cell(values(byTool.get(tool), value))).append(" |");
				}
				for (Tool other : RATIO_AGAINST) {
					if (tools.contains(other) && !(other == Tool.PSQL && measure.equals("in-process"))) {
						row.append(' ')
							.append(cell(pairedRatios(byTool.get(Tool.CAIRN), byTool.get(other), value), "×"))
							.append(" |");
					}
				}
				line(row.toString());
			});
		}
	}

	private void bootTables() {
		if (this.results.boots.isEmpty()) {
			return;
		}
		line("");
		line("## Spring Boot startup to ApplicationReadyEvent (N = %d)", Bench.BOOT_N);
		line("");
		line("Separate JVMs (`java -jar`, default JVM flags), each a tiny app with `spring-boot-starter-jdbc` that "
				+ "runs `select 1` before it is ready; *overhead* is the median minus the no-migrator median. "
				+ "Time is wall clock from launch to the ready line; memory is peak RSS (VmHWM) read at ready.");
		line("");
		line("| scenario | no migrator | Cairn | Flyway | Liquibase | Cairn overhead | Flyway overhead "
				+ "| Liquibase overhead | Cairn / Flyway overhead |");
		line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		this.results.boots.forEach((scenario, byApp) -> {
			double none = median(boot(byApp, "none", Results.Boot::readyMs));
			double cairn = median(boot(byApp, "cairn", Results.Boot::readyMs)) - none;
			double flyway = median(boot(byApp, "flyway", Results.Boot::readyMs)) - none;
			double liquibase = median(boot(byApp, "liquibase", Results.Boot::readyMs)) - none;
			StringBuilder row = new StringBuilder("| " + scenarioLabel(scenario) + " |");
			for (String app : Bench.APPS) {
				row.append(' ').append(cell(boot(byApp, app, Results.Boot::readyMs))).append(" |");
			}
			row.append(' ')
				.append(number(cairn))
				.append(" | ")
				.append(number(flyway))
				.append(" | ")
				.append(number(liquibase))
				.append(" | ")
				.append(times(cairn / flyway))
				.append(" |");
			line(row.toString());
		});
		line("");
		line("| scenario | peak RSS, MiB: no migrator | Cairn | Flyway | Liquibase | Cairn − none | Flyway − none "
				+ "| Liquibase − none |");
		line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		this.results.boots.forEach((scenario, byApp) -> {
			ToDoubleFunction<Results.Boot> mib = (boot) -> boot.hwmKb() / 1024.0;
			double none = median(boot(byApp, "none", mib));
			StringBuilder row = new StringBuilder("| " + scenarioLabel(scenario) + " |");
			for (String app : Bench.APPS) {
				row.append(' ').append(cell(boot(byApp, app, mib))).append(" |");
			}
			for (String app : List.of("cairn", "flyway", "liquibase")) {
				double delta = median(boot(byApp, app, mib)) - none;
				row.append(Double.isNaN(delta) ? " – |" : String.format(" %+.1f |", delta));
			}
			line(row.toString());
		});
	}

	private static String scenarioLabel(String scenario) {
		return scenario.equals("pending") ? Bench.BOOT_N + " to apply" : Bench.BOOT_N + " applied";
	}

	private void goals() {
		line("");
		line("## Goals (from the issue; ratios from this run)");
		line("");
		line("| goal | measured | met |");
		line("| --- | --- | :---: |");
		Map<Integer, Map<Tool, List<Results.Run>>> apply = this.results.migrations.getOrDefault("apply", Map.of());
		for (int n : List.of(50, 200, 1000)) {
			if (apply.containsKey(n)) {
				ratioGoal("apply N=%d: Cairn ≤ 1.2× plain JDBC".formatted(n), "apply", n, 1.2);
			}
		}
		Map<Integer, Map<Tool, List<Results.Run>>> noop = this.results.migrations.getOrDefault("noop", Map.of());
		for (int n : noop.keySet()) {
			ratioGoal("no-op N=%d: Cairn ≤ 1.3× plain JDBC".formatted(n), "noop", n, 1.3);
		}
		int big = noop.containsKey(10000) ? 10000 : 1000;
		if (noop.containsKey(big) && noop.containsKey(200)) {
			double small = median(values(this.results.runs("noop", 200, Tool.CAIRN), Results.Run::inProcessMs));
			double large = median(values(this.results.runs("noop", big, Tool.CAIRN), Results.Run::inProcessMs));
			String goal = (big == 10000) ? "no-op: 10,000 applied ≤ 2× the cost of 200"
					: "no-op: 1,000 applied ≤ 2× the cost of 200 (10,000 needs `--full`)";
			line("| %s | %s → %s ms in-process (%s) | %s |", goal, number(small), number(large), times(large / small),
					mark(large / small <= 2));
		}
		Map<String, List<Results.Boot>> applied = this.results.boots.get("applied");
		Map<String, List<Results.Boot>> pending = this.results.boots.get("pending");
		bootGoal("Boot overhead with 200 applied ≤ 0.25× Flyway's", applied, 0.25);
		bootGoal("Boot overhead applying 200 ≤ 0.4× Flyway's", pending, 0.4);
		for (var entry : new Object[][] { { "applied", applied }, { "to apply", pending } }) {
			@SuppressWarnings("unchecked")
			Map<String, List<Results.Boot>> byApp = (Map<String, List<Results.Boot>>) entry[1];
			if (byApp != null && byApp.containsKey("cairn") && byApp.containsKey("none")) {
				ToDoubleFunction<Results.Boot> mib = (boot) -> boot.hwmKb() / 1024.0;
				double delta = median(boot(byApp, "cairn", mib)) - median(boot(byApp, "none", mib));
				line("| peak RSS (200 %s) ≤ 5 MiB over no migrator | %+.1f MiB | %s |", entry[0], delta,
						mark(delta <= 5));
			}
		}
	}

	private void ratioGoal(String goal, String kind, int n, double limit) {
		List<Results.Run> cairn = this.results.runs(kind, n, Tool.CAIRN);
		List<Results.Run> jdbc = this.results.runs(kind, n, Tool.JDBC);
		if (cairn.isEmpty() || jdbc.isEmpty()) {
			line("| %s | not measured | – |", goal);
			return;
		}
		double in = median(pairedRatios(cairn, jdbc, Results.Run::inProcessMs));
		double process = median(pairedRatios(cairn, jdbc, Results.Run::processMs));
		line("| %s | %s in-process, %s process | %s / %s |", goal, times(in), times(process), mark(in <= limit),
				mark(process <= limit));
	}

	private void bootGoal(String goal, Map<String, List<Results.Boot>> byApp, double limit) {
		if (byApp == null || !byApp.containsKey("cairn") || !byApp.containsKey("flyway")
				|| !byApp.containsKey("none")) {
			line("| %s | not measured | – |", goal);
			return;
		}
		double none = median(boot(byApp, "none", Results.Boot::readyMs));
		double cairn = median(boot(byApp, "cairn", Results.Boot::readyMs)) - none;
		double flyway = median(boot(byApp, "flyway", Results.Boot::readyMs)) - none;
		line("| %s | Cairn %s ms, Flyway %s ms over no migrator (%s) | %s |", goal, number(cairn), number(flyway),
				times(cairn / flyway), mark(cairn / flyway <= limit));
	}

	private void profiles() {
		if (this.results.profiles.isEmpty()) {
			return;
		}
		line("");
		line("## Where the time goes (one extra run each through a counting DataSource)");
		line("");
		line("Statements are JDBC executions (a multi-statement string is one); *JDBC* is the time inside those calls "
				+ "and `getConnection`; the rest is the tool's own work in the JVM, class loading included. *Classes* "
				+ "were loaded by the call; *warm* is the same no-op repeated in that JVM (no class loading).");
		line("");
		line("| run | tool | in-process ms | CPU ms | connections | statements | commits | in JDBC ms "
				+ "| outside JDBC ms | classes | warm ms |");
		line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		this.results.profiles.forEach((run,
				byTool) -> byTool.forEach((tool, p) -> line("| %s | %s | %s | %s | %d | %d | %d | %s | %s | %d | %s |",
						run, tool.label, number(p.inProcessMs()), number(p.cpuMs()), p.connections(), p.executions(),
						p.commits(), number(p.jdbcMs()), number(p.inProcessMs() - p.jdbcMs()), p.classes(),
						number(p.warmMs()))));
		if (!this.results.bootProfiles.isEmpty()) {
			line("");
			line("Boot apps started once more with `-Dbench.steps=true` (Spring's `BufferingApplicationStartup`): "
					+ "classes loaded at ready, and the slowest bean creations (nested steps include their children).");
			this.results.bootProfiles.forEach((scenario, byApp) -> {
				line("");
				line("| %s | classes at ready | slowest startup steps (ms, step, tags) |", scenarioLabel(scenario));
				line("| --- | ---: | --- |");
				byApp.forEach((app, p) -> line("| %s | %d | %s |", app, p.classes(), String.join("<br>",
						p.steps().stream().limit(5).map((step) -> step.replace("|", "\\|")).toList())));
			});
		}
		this.results.profiles.forEach((run, byTool) -> {
			Results.Profile cairn = byTool.get(Tool.CAIRN);
			if (cairn == null) {
				return;
			}
			line("");
			line("Cairn, %s: the statement shapes that took longest", run);
			line("");
			line("| count | total ms | statement |");
			line("| ---: | ---: | --- |");
			cairn.shapes()
				.entrySet()
				.stream()
				.sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed())
				.limit(10)
				.forEach((e) -> line("| %d | %s | `%s` |", e.getValue()[0], number(e.getValue()[1] / 1e6),
						e.getKey().replace("|", "\\|").replace("`", "'")));
		});
	}

	private static List<Double> values(List<Results.Run> runs, ToDoubleFunction<Results.Run> value) {
		return (runs == null) ? List.of() : runs.stream().map(value::applyAsDouble).toList();
	}

	private static List<Double> boot(Map<String, List<Results.Boot>> byApp, String app,
			ToDoubleFunction<Results.Boot> value) {
		List<Results.Boot> boots = byApp.get(app);
		return (boots == null) ? List.of() : boots.stream().map(value::applyAsDouble).toList();
	}

	static double median(List<Double> values) {
		if (values.isEmpty()) {
			return Double.NaN;
		}
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	private static String cell(List<Double> values) {
		return cell(values, "");
	}

	private static String cell(List<Double> values, String unit) {
		if (values.isEmpty()) {
			return "–";
		}
		double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
		double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
		java.util.function.DoubleFunction<String> format = unit.isEmpty() ? Report::number
				: (v) -> String.format("%.2f", v);
		return (values.size() == 1) ? format.apply(min) + unit + " (1 run)"
				: format.apply(median(values)) + unit + " (" + format.apply(min) + "–" + format.apply(max) + ")";
	}

	// Ratios within each round, where the two tools ran next to each other, rather than
	// of the medians.
	static List<Double> pairedRatios(List<Results.Run> a, List<Results.Run> b, ToDoubleFunction<Results.Run> value) {
		List<Double> ratios = new ArrayList<>();
		if (a != null && b != null) {
			for (Results.Run x : a) {
				for (Results.Run y : b) {
					if (x.round() == y.round()) {
						ratios.add(value.applyAsDouble(x) / value.applyAsDouble(y));
					}
				}
			}
		}
		return ratios;
	}

	private static String times(double ratio) {
		return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "–" : String.format("%.2f×", ratio);
	}

	private static String number(double value) {
		if (Double.isNaN(value)) {
			return "–";
		}
		return (Math.abs(value) >= 100) ? String.format("%,.0f", value) : String.format("%.1f", value);
	}

	private static String mark(boolean met) {
		return met ? "yes" : "**no**";
	}

	private void line(String format, Object... args) {
		this.out.append(args.length == 0 ? format : String.format(format, args)).append('\n');
	}

}
