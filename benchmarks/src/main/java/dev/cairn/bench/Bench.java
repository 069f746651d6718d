package dev.cairn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark harness: generates the corpus, runs every tool on it in alternation (A B
 * A B, one fresh database per measurement), and prints the Markdown report.
 *
 * <p>
 * {@code java -jar cairn-benchmarks.jar [--quick | --full] [--rounds R] [--only apply,noop,boot,profile]
 * [--server jdbc:postgresql://127.0.0.1:5432/] [--user postgres]}. Quick (the default)
 * applies 50, 200 and 1,000 migrations and runs no-ops with 200 and 1,000 applied; full
 * adds 10,000 applied (about 7 of its 15 minutes go to Flyway and Liquibase applying
 * those 10,000 once).
 */
public final class Bench {

	static final List<String> APPS = List.of("none", "cairn", "flyway", "liquibase");

	static final int BOOT_N = 200;

	private final Options options;

	private final List<Tool> tools;

	private final Results results = new Results();

	private final Path home;

	private int databases;

	private long waitBudgetNanos = TimeUnit.MINUTES.toNanos(3);

	private Bench(Options options, Path home) {
		this.options = options;
		this.home = home;
		this.tools = options.tools;
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("run-one")) {
			RunOne.main(List.of(args).subList(1, args.length));
			return;
		}
		if (args.length > 0 && args[0].equals("fresh")) {
			fresh(List.of(args).subList(1, args.length));
			return;
		}
		if (args.length > 0 && args[0].equals("spring")) {
			SpringRefreshBench.main(List.of(args).subList(1, args.length),
					Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0])
						.toAbsolutePath()
						.getParent());
			return;
		}
		if (args.length > 0 && args[0].equals("bigfile")) {
			BigFileBench.main(List.of(args).subList(1, args.length));
			return;
		}
		if (args.length > 0 && args[0].equals("stall")) {
			Stall.main(List.of(args).subList(1, args.length));
			return;
		}
		Options options = Options.parse(args);
		Path home = Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0])
			.toAbsolutePath()
			.getParent();
		new Bench(options, home).run();
	}

	/**
	 * {@code fresh [--rounds R] [--migrate-rounds M] [--server URL] [--user NAME]}: a
	 * fresh database per test for the sample app's migrations and for 350 generated ones,
	 * by migrating, by cloning the template, and by a plain {@code CREATE DATABASE}.
	 */
	private static void fresh(List<String> args) throws Exception {
		int rounds = 40;
		int migrateRounds = 10;
		String server = "jdbc:postgresql://127.0.0.1:5432/";
		String user = "postgres";
		for (int i = 0; i < args.size(); i++) {
			switch (args.get(i)) {
				case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
				case "--migrate-rounds" -> migrateRounds = Integer.parseInt(args.get(++i));
				case "--server" -> server = args.get(++i);
				case "--user" -> user = args.get(++i);
				default -> throw new IllegalArgumentException("Unknown option " + args.get(i)
						+ "; use fresh [--rounds R] [--migrate-rounds M] [--server URL] [--user NAME]");
			}
		}
		Path home = Path.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0])
			.toAbsolutePath()
			.getParent();
		Map<String, Path> corpora = new LinkedHashMap<>();
		corpora.put("sample app (6)",
				home.getParent().getParent().resolve("sample-app/src/main/resources/db/migrations").normalize());
		corpora.put("generated (350)", Corpus.generate(home.resolve("corpus"), 350).cairn());
		String table = dev.cairn.test.FreshDatabaseBench.run(server, user, corpora, rounds, migrateRounds);
		System.out.println(table);
		Files.writeString(home.resolve("fresh-databases.md"), table, StandardCharsets.UTF_8);
	}

	private void run() throws Exception {
		long started = System.nanoTime();
		Machine machine = Machine.describe(this.options, this.home);
		log("Cairn benchmarks (%s mode, %d rounds) on %s", this.options.full ? "full" : "quick", this.options.rounds,
				machine.oneLine());
		Path corpora = this.home.resolve("corpus");
		if (this.options.phases.contains("apply") || this.options.phases.contains("noop")) {
			for (int n : new TreeSet<>(this.options.sizes())) {
				migrations(Corpus.generate(corpora, n));
			}
		}
		if (this.options.phases.contains("boot")) {
			boots(Corpus.generate(corpora, BOOT_N));
		}
		if (this.options.phases.contains("profile")) {
			profiles(Corpus.generate(corpora, BOOT_N), "apply");
			profiles(Corpus.generate(corpora, 1000), "noop");
			bootProfiles(Corpus.generate(corpora, BOOT_N));
		}
		double minutes = (System.nanoTime() - started) / 60e9;
		String report = new Report(this.results, this.options, machine, minutes).render();
		System.out.println();
		System.out.println(report);
		Files.writeString(this.home.resolve("results.md"), report, StandardCharsets.UTF_8);
		log("Wrote %s", this.home.resolve("results.md"));
	}

	// Apply N on an empty database, then (for the no-op sizes) run again with N applied.
	// Sizes that are only
	// no-op sizes (10,000) are applied once per tool and then timed as no-ops over the
	// rounds.
	private void migrations(Corpus corpus) throws Exception {
		int n = corpus.count();
		boolean apply = this.options.applySizes().contains(n);
		boolean noop = this.options.noopSizes().contains(n) && this.options.phases.contains("noop");
		if (!apply) {
			Map<Tool, String> kept = new LinkedHashMap<>();
			try {
				for (Tool tool : this.tools) {
					String db = createDatabase();
					kept.put(tool, db);
					timeMigration("apply", corpus, tool, db, 0);
				}
				for (int round = 0; round < this.options.rounds; round++) {
					for (Tool tool : rotate(this.tools, round)) {
						if (tool != Tool.PSQL && kept.containsKey(tool)) {
							timeMigration("noop", corpus, tool, kept.get(tool), round);
						}
					}
				}
			}
			finally {
				kept.values().forEach(this::dropDatabase);
			}
			return;
		}
		for (int round = 0; round < this.options.rounds; round++) {
			for (Tool tool : rotate(this.tools, round)) {
				String db = createDatabase();
				try {
					if (timeMigration("apply", corpus, tool, db, round) && noop && tool != Tool.PSQL) {
						timeMigration("noop", corpus, tool, db, round);
					}
				}
				finally {
					dropDatabase(db);
				}
			}
		}
	}

	private boolean timeMigration(String kind, Corpus corpus, Tool tool, String db, int round) throws Exception {
		if (this.results.failures.containsKey(tool.label)) {
			return false;
		}
		List<String> command = (tool == Tool.PSQL) ? psql(corpus, db) : runOne(tool, corpus, db, false);
		waitForQuiet();
		long start = System.nanoTime();
		Output output = launch(command, null);
		double processMs = (System.nanoTime() - start) / 1e6;
		if (output.exit() != 0) {
			fail(tool.label, kind + " of " + corpus.count() + " failed: " + output.lastLines());
			return false;
		}
		long rows = countHistory(db, tool.historyTable);
		if (rows < corpus.count()) {
			fail(tool.label, kind + " of " + corpus.count() + " left " + rows + " rows in " + tool.historyTable);
			return false;
		}
		Map<String, String> result = output.fields("BENCH-RESULT");
		double inProcess = (tool == Tool.PSQL) ? processMs : Double.parseDouble(result.get("inProcessMs"));
		double cpu = (tool == Tool.PSQL) ? Double.NaN : Double.parseDouble(result.get("cpuMs"));
		this.results.add(kind, corpus.count(), tool, new Results.Run(round, processMs, inProcess, cpu));
		log("%-5s N=%-5d %-10s process %8.1f ms, in-process %8.1f ms", kind, corpus.count(), tool.label, processMs,
				inProcess);
		return true;
	}

	private void boots(Corpus corpus) throws Exception {
		for (int round = 0; round < this.options.bootRounds(); round++) {
			for (String app : rotate(APPS, round)) {
				if (this.results.failures.containsKey("app " + app)) {
					continue;
				}
				String db = createDatabase();
				try {
					if (boot("pending", app, corpus, db)) {
						boot("applied", app, corpus, db);
					}
				}
				finally {
					dropDatabase(db);
				}
			}
		}
	}

	// Each app once more with its startup steps recorded, to see which beans take the
	// time.
	private void bootProfiles(Corpus corpus) throws Exception {
		for (String app : APPS) {
			if (this.results.failures.containsKey("app " + app)) {
				continue;
			}
			String db = createDatabase();
			try {
				for (String scenario : List.of("pending", "applied")) {
					Output output = launch(bootCommand(app, corpus, db, true), null);
					if (output.exit() != 0) {
						break;
					}
					List<String> steps = output.lines()
						.stream()
						.filter((line) -> line.startsWith("BENCH-STEP "))
						.map((line) -> line.substring("BENCH-STEP ".length()))
						.toList();
					this.results.bootProfiles.computeIfAbsent(scenario, (k) -> new LinkedHashMap<>())
						.put(app, new Results.BootProfile(
								Integer.parseInt(output.fields("BENCH-READY").getOrDefault("classes", "-1")), steps));
				}
				log("profile boot %s done", app);
			}
			finally {
				dropDatabase(db);
			}
		}
	}

	private List<String> bootCommand(String app, Corpus corpus, String db, boolean steps) {
		Path jar = this.options.appsDir(this.home).resolve(app).resolve("target").resolve("bench-app-" + app + ".jar");
		return List.of(java(), "-Dliquibase.analytics.enabled=false", "-Dbench.steps=" + steps, "-jar", jar.toString(),
				"--spring.datasource.url=" + jdbcUrl(db), "--spring.datasource.username=" + this.options.user,
				"--cairn.locations=filesystem:" + corpus.cairn().toAbsolutePath(),
				"--spring.flyway.locations=filesystem:" + corpus.flyway().toAbsolutePath(),
				"--spring.liquibase.change-log=file:" + corpus.liquibaseChangelog().toAbsolutePath());
	}

	private boolean boot(String scenario, String app, Corpus corpus, String db) throws Exception {
		List<String> command = bootCommand(app, corpus, db, false);
		waitForQuiet();
		long start = System.nanoTime();
		double[] ready = { Double.NaN };
		Output output = launch(command, (line) -> {
			if (line.startsWith("BENCH-READY")) {
				ready[0] = (System.nanoTime() - start) / 1e6;
			}
		});
		String key = "app " + app;
		if (output.exit() != 0 || Double.isNaN(ready[0])) {
			fail(key, scenario + " failed: " + output.lastLines());
			return false;
		}
		Tool tool = switch (app) {
			case "cairn" -> Tool.CAIRN;
			case "flyway" -> Tool.FLYWAY;
			case "liquibase" -> Tool.LIQUIBASE;
			default -> null;
		};
		if (tool != null) {
			long rows = countHistory(db, tool.historyTable);
			if (rows < corpus.count()) {
				fail(key, "started, but left " + rows + " rows in " + tool.historyTable + " (expected " + corpus.count()
						+ ")");
				return false;
			}
		}
		Map<String, String> fields = output.fields("BENCH-READY");
		Results.Boot boot = new Results.Boot(ready[0], Double.parseDouble(fields.get("uptimeMs")),
				Long.parseLong(fields.get("vmHwmKb")), Integer.parseInt(fields.getOrDefault("classes", "-1")));
		this.results.add(scenario, app, boot);
		log("boot  %-8s %-10s ready %7.1f ms, VmHWM %6.1f MiB", scenario, app, boot.readyMs(), boot.hwmKb() / 1024.0);
		return true;
	}

	private void profiles(Corpus corpus, String kind) throws Exception {
		for (Tool tool : this.tools) {
			if (tool == Tool.PSQL || this.results.failures.containsKey(tool.label)) {
				continue;
			}
			String db = createDatabase();
			try {
				if (kind.equals("noop") && launch(runOne(tool, corpus, db, false), null).exit() != 0) {
					continue;
				}
				List<String> command = new ArrayList<>(runOne(tool, corpus, db, true));
				if (kind.equals("noop")) {
					command.add("--again");
				}
				Output output = launch(command, null);
				if (output.exit() != 0) {
					this.results.failures.put("profile " + kind + " " + tool.label, output.lastLines());
					continue;
				}
				Map<String, String> result = output.fields("BENCH-RESULT");
				Map<String, String> profile = output.fields("BENCH-PROFILE");
				Map<String, long[]> shapes = new LinkedHashMap<>();
				for (String line : output.lines()) {
					if (line.startsWith("BENCH-SHAPE ")) {
						String[] parts = line.split(" ", 4);
						shapes.put(parts[3], new long[] { Long.parseLong(parts[1]), Long.parseLong(parts[2]) });
					}
				}
				this.results.profiles.computeIfAbsent(kind + " N=" + corpus.count(), (k) -> new LinkedHashMap<>())
					.put(tool, new Results.Profile(Double.parseDouble(result.get("inProcessMs")),
							Double.parseDouble(result.get("cpuMs")), Integer.parseInt(profile.get("connections")),
							Integer.parseInt(profile.get("executions")), Integer.parseInt(profile.get("commits")),
							Double.parseDouble(profile.get("jdbcMs")), Integer.parseInt(result.get("classes")),
							Double.parseDouble(output.fields("BENCH-AGAIN").getOrDefault("ms", "NaN")), shapes));
				log("profile %s N=%d %s done", kind, corpus.count(), tool.label);
			}
			finally {
				dropDatabase(db);
			}
		}
	}

	// The machine is shared: before each timed launch, wait (up to 10 s, and 3 min in
	// all) until the other
	// processes leave at least 70% of the CPUs idle for half a second, so that one tool
	// does not pay for someone
	// else's build.
	private void waitForQuiet() throws InterruptedException {
		if (!this.options.waitForQuiet) {
			return;
		}
		long start = System.nanoTime();
		long deadline = start + Math.min(TimeUnit.SECONDS.toNanos(10), this.waitBudgetNanos);
		double busy;
		while ((busy = busyFraction()) > 0.3 && System.nanoTime() < deadline) {
			Thread.sleep(500);
		}
		this.waitBudgetNanos = Math.max(0, this.waitBudgetNanos - (System.nanoTime() - start));
		if (busy > 0.3) {
			this.results.noisyLaunches++;
		}
	}

	private static double busyFraction() throws InterruptedException {
		long[] before = cpuTicks();
		Thread.sleep(500);
		long[] after = cpuTicks();
		double total = after[0] - before[0];
		return (total <= 0) ? 0 : 1 - (after[1] - before[1]) / total;
	}

	// {total, idle + iowait} jiffies from the first line of /proc/stat; zeros where there
	// is none.
	private static long[] cpuTicks() {
		try {
			String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < fields.length; i++) {
				total += Long.parseLong(fields[i]);
			}
			return new long[] { total, Long.parseLong(fields[4]) + Long.parseLong(fields[5]) };
		}
		catch (IOException | RuntimeException ex) {
			return new long[] { 0, 0 };
		}
	}

	private List<String> runOne(Tool tool, Corpus corpus, String db, boolean profile) {
		List<String> command = new ArrayList<>(List.of(java(), "-Dliquibase.analytics.enabled=false"));
		if (profile && this.options.jfr) {
			command.add("-XX:StartFlightRecording=settings=profile,filename=" + this.home
				.resolve("profile-" + tool.name().toLowerCase(java.util.Locale.ROOT) + "-" + corpus.count() + ".jfr"));
		}
		command.addAll(List.of("-jar", this.home.resolve("cairn-benchmarks.jar").toString(), "run-one", tool.name(),
				jdbcUrl(db), corpus.root().toAbsolutePath().toString()));
		if (profile) {
			command.add("--profile");
		}
		return command;
	}

	private List<String> psql(Corpus corpus, String db) {
		return List.of(this.options.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", this.options.host(), "-p",
				Integer.toString(this.options.port()), "-U", this.options.user, "-d", db, "-f",
				corpus.psqlDriver().toAbsolutePath().toString());
	}

	private static String java() {
		return ProcessHandle.current().info().command().orElse("java");
	}

	private String jdbcUrl(String db) {
		return this.options.server + db + "?user=" + this.options.user;
	}

	interface LineListener {

		void line(String line);

	}

	private Output launch(List<String> command, LineListener listener) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		Process process = builder.start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (listener != null) {
					listener.line(line);
				}
				lines.add(line);
			}
		}
		if (!process.waitFor(30, TimeUnit.MINUTES)) {
			process.destroyForcibly();
		}
		return new Output(process.exitValue(), lines);
	}

	record Output(int exit, List<String> lines) {

		Map<String, String> fields(String prefix) {
			Map<String, String> fields = new LinkedHashMap<>();
			for (String line : this.lines) {
				if (line.startsWith(prefix + " ")) {
					for (String part : line.substring(prefix.length() + 1).split(" ")) {
						int eq = part.indexOf('=');
						if (eq > 0) {
							fields.put(part.substring(0, eq), part.substring(eq + 1));
						}
					}
				}
			}
			return fields;
		}

		String lastLines() {
			List<String> interesting = this.lines.stream()
				.filter((line) -> line.contains("Exception") || line.contains("ERROR") || line.contains("rror:"))
				.toList();
			List<String> source = interesting.isEmpty() ? this.lines : interesting;
			return String.join(" | ", source.subList(Math.max(0, source.size() - 3), source.size()));
		}

	}

	private void fail(String what, String message) {
		String shortened = (message.length() > 400) ? message.substring(0, 400) + "…" : message;
		this.results.failures.putIfAbsent(what, shortened);
		log("%s: %s (no more runs of it)", what, shortened);
	}

	private String createDatabase() throws SQLException {
		String name = "bench_" + ProcessHandle.current().pid() + "_" + (++this.databases);
		admin("CREATE DATABASE " + name + " TEMPLATE template0");
		return name;
	}

	private void dropDatabase(String name) {
		try {
			admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		}
		catch (SQLException ex) {
			log("Could not drop %s: %s", name, ex.getMessage());
		}
	}

	private void admin(String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"));
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private long countHistory(String db, String table) throws SQLException {
		try (Connection connection = DriverManager.getConnection(jdbcUrl(db));
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			return 0;
		}
	}

	// A B A B: every round starts one tool further along, so no tool always runs first or
	// after the same one.
	static <T> List<T> rotate(List<T> items, int round) {
		List<T> rotated = new ArrayList<>(items);
		java.util.Collections.rotate(rotated, -(round % items.size()));
		return rotated;
	}

	static void log(String format, Object... args) {
		System.err.printf("[bench] " + format + "%n", args);
	}

	/**
	 * Command-line options.
	 */
	static final class Options {

		boolean full;

		int rounds = 3;

		String server = "jdbc:postgresql://127.0.0.1:5432/";

		String user = "postgres";

		String psql = "psql";

		String apps;

		boolean waitForQuiet = true;

		boolean jfr;

		List<String> phases = List.of("apply", "noop", "boot", "profile");

		List<Tool> tools = List.of(Tool.values());

		List<Integer> sizes;

		static Options parse(String[] args) {
			Options options = new Options();
			for (int i = 0; i < args.length; i++) {
				switch (args[i]) {
					case "--quick" -> options.full = false;
					case "--full" -> options.full = true;
					case "--rounds" -> {
						options.rounds = Integer.parseInt(args[++i]);
					}
					case "--only" -> options.phases = Arrays.asList(args[++i].split(","));
					case "--tools" -> options.tools = Arrays.stream(args[++i].split(","))
						.map((name) -> Tool.valueOf(name.toUpperCase(java.util.Locale.ROOT)))
						.toList();
					case "--sizes" ->
						options.sizes = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
					case "--server" -> options.server = args[++i];
					case "--user" -> options.user = args[++i];
					case "--psql" -> options.psql = args[++i];
					case "--apps" -> options.apps = args[++i];
					case "--no-wait" -> options.waitForQuiet = false;
					case "--jfr" -> options.jfr = true;
					default -> throw new IllegalArgumentException("Unknown option " + args[i]
							+ "; use [--quick | --full] [--rounds R] [--only apply,noop,boot,profile] [--tools cairn,flyway,liquibase,jdbc,psql] [--sizes 200,1000] [--server URL]"
							+ " [--user NAME] [--psql PATH] [--apps DIR] [--no-wait] [--jfr]");
				}
			}
			return options;
		}

		List<Integer> applySizes() {
			return only(this.phases.contains("apply") ? List.of(50, 200, 1000) : List.of());
		}

		List<Integer> noopSizes() {
			return only(this.full ? List.of(200, 1000, 10000) : List.of(200, 1000));
		}

		private List<Integer> only(List<Integer> sizes) {
			return (this.sizes == null) ? sizes : sizes.stream().filter(this.sizes::contains).toList();
		}

		List<Integer> sizes() {
			List<Integer> sizes = new ArrayList<>(applySizes());
			if (this.phases.contains("noop")) {
				sizes.addAll(noopSizes());
			}
			return sizes;
		}

		int bootRounds() {
			return this.rounds;
		}

		Path appsDir(Path home) {
			return (this.apps != null) ? Path.of(this.apps) : home.getParent().resolve("apps");
		}

		String host() {
			return this.server.replaceFirst("^jdbc:postgresql://", "").replaceFirst("[:/].*$", "");
		}

		int port() {
			String rest = this.server.replaceFirst("^jdbc:postgresql://[^:/]*", "");
			return rest.startsWith(":") ? Integer.parseInt(rest.substring(1).replaceFirst("/.*$", "")) : 5432;
		}

	}

}
