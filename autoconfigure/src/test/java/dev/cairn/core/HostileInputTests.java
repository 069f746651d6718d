package dev.cairn.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.PostgresClient;
import dev.cairn.test.TestDatabase;

import static dev.cairn.test.PostgresClient.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Hostile input, one scenario folder per case under
 * {@code src/test/resources/scenarios/hostile/<case>/}: the run fails with exactly the
 * error in the case's {@code expected.txt} (file, line, what to do), and the schema and
 * the history are what they were before it, compared with {@code pg_dump --schema-only}.
 * <p>
 * A case folder holds {@code migrations/} (the location), {@code expected.txt} (a header
 * of {@code script:}, {@code line:} and {@code sqlstate:} lines, {@code ---}, then the
 * message; {@code …} matches any text) and an optional {@code case.properties}:
 * {@code setup} (SQL run first), {@code first} (a folder of migrations applied before),
 * {@code tamper} (SQL run after that), {@code table}, {@code schema}, {@code location},
 * and {@code succeeds=true} for input that must be accepted.
 */
class HostileInputTests {

	private static final Path CASES = casesFolder();

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	static Stream<String> cases() throws IOException {
		try (Stream<Path> folders = Files.list(CASES)) {
			return folders.filter(Files::isDirectory)
				.map((folder) -> folder.getFileName().toString())
				.sorted()
				.toList()
				.stream();
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	@Tag(PostgresClient.TAG)
	void refusesHostileInputWithAnExactErrorAndLeavesTheSchemaAsItWas(String name) throws Exception {
		Path folder = CASES.resolve(name);
		Properties properties = properties(folder);
		String location = properties.getProperty("location", "classpath:scenarios/hostile/" + name + "/migrations");
		MigratorSettings.Builder settings = MigratorSettings.builder().locations(location);
		if (properties.getProperty("table") != null) {
			settings.table(properties.getProperty("table"));
		}
		if (properties.getProperty("schema") != null) {
			settings.schema(properties.getProperty("schema"));
		}
		if (properties.getProperty("setup") != null) {
			jdbc().execute(properties.getProperty("setup"));
		}
		if (properties.getProperty("first") != null) {
			new Migrator(this.database.dataSource(),
					MigratorSettings.builder()
						.locations("classpath:scenarios/hostile/" + name + "/" + properties.getProperty("first"))
						.build())
				.migrate();
		}
		if (properties.getProperty("tamper") != null) {
			jdbc().execute(properties.getProperty("tamper"));
		}
		String schemaBefore = schema(this.database);
		String historyBefore = history();
		String dataBefore = data();
		String historyTableBefore = historyTable(properties, "--schema-only");
		String historyRowsBefore = historyTable(properties, "--data-only");
		if (Boolean.parseBoolean(properties.getProperty("succeeds"))) {
			MigrateResult result = new Migrator(this.database.dataSource(), settings.build()).migrate();
			assertThat(result.migrations()).extracting(MigrationInfo::state).containsOnly(MigrationState.APPLIED);
			if (!historyTableBefore.isEmpty()) {
				assertThat(historyTable(properties, "--schema-only")).as("the history table's definition")
					.isEqualTo(historyTableBefore);
			}
			return;
		}
		MigrationException failure = catchThrowableOfType(MigrationException.class,
				() -> new Migrator(this.database.dataSource(), settings.build()).migrate());
		assertThat(failure).as("the run of " + name + " fails").isNotNull();
		Expected expected = Expected.read(folder.resolve("expected.txt"));
		if (expected == null && Boolean.getBoolean("cairn.record")) {
			Expected.record(failure, Path.of("src/test/resources/scenarios/hostile", name, "expected.txt"));
			return;
		}
		assertThat(expected).as("expected.txt of " + name + "; the run said:\n" + failure.getMessage()).isNotNull();
		expected.check(failure, folder);
		assertThat(schema(this.database)).as("schema after the failed run").isEqualTo(schemaBefore);
		assertThat(history()).as("history after the failed run").isEqualTo(historyBefore);
		assertThat(data()).as("rows after the failed run").isEqualTo(dataBefore);
		// A run creates its history table under the lock, before it reads the files, and
		// leaves it (empty) when it then fails; a table that existed is never altered.
		if (!historyTableBefore.isEmpty()) {
			assertThat(historyTable(properties, "--schema-only"))
				.as("the history table's definition after the failed run")
				.isEqualTo(historyTableBefore);
			assertThat(historyTable(properties, "--data-only")).as("the history table's rows after the failed run")
				.isEqualTo(historyRowsBefore);
		}
	}

	/**
	 * Dumps every row outside the history table; sequence positions are left out, since
	 * no rollback takes back a {@code nextval}.
	 */
	private String data() {
		return PostgresClient.dump(this.database, "--data-only")
			.lines()
			.filter((line) -> !line.startsWith("SELECT pg_catalog.setval("))
			.collect(java.util.stream.Collectors.joining("\n"));
	}

	/**
	 * Dumps the history table the case configures (its definition, or its rows), or
	 * nothing when it does not exist.
	 */
	private String historyTable(Properties properties, String what) {
		String table = properties.getProperty("table", MigratorSettings.DEFAULT_TABLE);
		String schema = properties.getProperty("schema");
		String name = (schema != null && !table.contains(".")) ? schema + "." + table : table;
		try {
			if (Boolean.TRUE.equals(jdbc().queryForObject("SELECT to_regclass(?) IS NULL", Boolean.class, name))) {
				return "";
			}
		}
		catch (org.springframework.jdbc.BadSqlGrammarException ex) {
			// A name that is not even a valid one names no table.
			return "";
		}
		return PostgresClient
			.run("pg_dump", what, "--no-owner", "--no-privileges", "-t", name, "-d", this.database.libpqUri())
			.lines()
			.filter((line) -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
			.filter((line) -> !line.startsWith("SELECT pg_catalog.setval("))
			.collect(java.util.stream.Collectors.joining("\n"));
	}

	@Test
	void aNoTransactionFileWithASyntaxErrorInItsSecondStatementKeepsTheFirstAndRecordsWhereItStopped()
			throws Exception {
		Migrator migrator = new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations("classpath:scenarios/no-transaction-second-statement").build());
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator::migrate)
			.satisfies((ex) -> assertThat(ex.getLine()).isEqualTo(4))
			.withMessage("""
					Migration 002_users_indexes.sql failed at line 4, column 8: syntax error at or near "INDX" \
					(SQLSTATE 42601)
					   4 | CREATE INDX CONCURRENTLY users_email ON users (email);
					     |        ^
					This migration runs outside a transaction: 1 of its 2 statements ran and stay applied, and the \
					history records it as failed at statement 2. Fix the cause (edit statement 2 or a later one, \
					or fix the database), then run repair: statement 2 of the file as it then stands will run.""");
		assertThat(jdbc().queryForMap("SELECT success, statements_done FROM cairn_history WHERE version = '2'"))
			.containsEntry("success", false)
			.containsEntry("statements_done", 1);
		assertThat(jdbc().queryForObject("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_name'::regclass",
				Boolean.class))
			.as("the first statement stays applied, by design")
			.isTrue();
		assertThat(jdbc().queryForObject("SELECT to_regclass('users_email') IS NULL", Boolean.class)).isTrue();
	}

	@Test
	@Tag(PostgresClient.TAG)
	void aFiftyMegabyteFileWithAnUnterminatedDollarQuoteAtItsEndFailsBeforeAnythingRuns(@TempDir Path folder)
			throws Exception {
		Path file = folder.resolve("001_huge.sql");
		int lines = 0;
		try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
			out.write("CREATE TABLE huge (id bigint PRIMARY KEY, note text);\n");
			lines++;
			long written = 0;
			for (int i = 0; written < 50L * 1024 * 1024; i++) {
				String line = "INSERT INTO huge VALUES (" + i + ", 'row " + i + "; -- not a comment /* nor this');\n";
				out.write(line);
				written += line.length();
				lines++;
			}
			out.write("DO $body$ BEGIN RAISE NOTICE 'never closed'; END $bdy$;\n");
			lines++;
		}
		assertThat(Files.size(file)).isGreaterThan(50L * 1024 * 1024);
		int lastLine = lines;
		String before = schema(this.database);
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(new Migrator(this.database.dataSource(),
					MigratorSettings.builder().locations(Instances.location(folder)).build())::migrate)
			.satisfies((ex) -> assertThat(ex.getLine()).isEqualTo(lastLine))
			.withMessage("Migration 001_huge.sql, line " + lastLine + ", column 4: unterminated dollar-quoted string "
					+ "$body$ (it starts here and never ends). Close it with $body$.");
		assertThat(schema(this.database)).isEqualTo(before);
		assertThat(history()).isEqualTo("[]");
	}

	@Test
	@Tag(PostgresClient.TAG)
	void tenThousandTinyFilesWithOneDuplicateVersionFailNamingBoth(@TempDir Path folder) throws Exception {
		for (int i = 1; i <= 10_000; i++) {
			Files.writeString(folder.resolve("%05d_step_%d.sql".formatted(i, i)), "SELECT " + i + ";\n");
		}
		Files.writeString(folder.resolve("9999_step_again.sql"), "SELECT 0;\n");
		String before = schema(this.database);
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(new Migrator(this.database.dataSource(),
					MigratorSettings.builder().locations(Instances.location(folder)).build())::migrate)
			.withMessageMatching("Two files have the same version 9999: (09999_step_9999.sql|9999_step_again.sql) "
					+ "\\(in filesystem:.*\\) and (09999_step_9999.sql|9999_step_again.sql) \\(in filesystem:.*\\)\\. "
					+ "Versions compare as numbers, so 001 and 1 are the same; give one of them the next free "
					+ "version\\.");
		assertThat(schema(this.database)).isEqualTo(before);
		assertThat(history()).isEqualTo("[]");
	}

	@Test
	@Tag("slow")
	void tenThousandTinyFilesAreAppliedOnceEach(@TempDir Path folder) throws Exception {
		for (int i = 1; i <= 10_000; i++) {
			Files.writeString(folder.resolve("%05d_step_%d.sql".formatted(i, i)),
					"INSERT INTO steps VALUES (" + i + ");\n");
		}
		jdbc().execute("CREATE TABLE steps (id int PRIMARY KEY)");
		MigrateResult result = migrator(Instances.location(folder)).migrate();
		assertThat(result.applied()).hasSize(10_000);
		assertThat(migrator(Instances.location(folder)).migrate().applied()).isEmpty();
		assertThat(jdbc().queryForObject("SELECT count(*) FROM steps", Integer.class)).isEqualTo(10_000);
		assertThat(jdbc().queryForObject("SELECT count(DISTINCT version) FROM cairn_history", Integer.class))
			.isEqualTo(10_000);
	}

	@Test
	@Tag(PostgresClient.TAG)
	void aSymlinkLoopInAFileLocationIsRefusedInsteadOfReadAsEmpty(@TempDir Path folder) throws Exception {
		Files.writeString(folder.resolve("001_users.sql"), "CREATE TABLE users (id int);\n");
		Files.createDirectories(folder.resolve("nested"));
		Files.createSymbolicLink(folder.resolve("nested/loop"), folder);
		String before = schema(this.database);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator(Instances.location(folder))::migrate)
			.withMessage("Cannot list migration location " + Instances.location(folder) + ": the symbolic link "
					+ folder.resolve("nested/loop") + " points back to a folder that contains it. Remove the link or "
					+ "make the folder readable; Cairn refuses to run with a location it cannot read completely, "
					+ "since it would miss migrations.");
		assertThat(schema(this.database)).isEqualTo(before);
		assertThat(history()).isEqualTo("[]");
	}

	/**
	 * An unreadable file: {@code chmod 000}. Root reads such a file anyway, so there a
	 * named pipe stands in for it: a file that cannot be read as a migration either, and
	 * that Cairn must refuse without opening it, since opening a pipe waits for a writer.
	 */
	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	@Tag(PostgresClient.TAG)
	void anUnreadableFileIsRefusedByName(@TempDir Path folder) throws Exception {
		Files.writeString(folder.resolve("001_users.sql"), "CREATE TABLE users (id int);\n");
		Path secret = folder.resolve("002_secret.sql");
		Files.writeString(secret, "CREATE TABLE secret (id int);\n");
		Files.setPosixFilePermissions(secret, Set.of());
		boolean root = Files.isReadable(secret);
		if (root) {
			Files.delete(secret);
			mkfifo(secret);
		}
		String location = Instances.location(folder);
		String expected = root ? namedPipeMessage(location, secret, "002_secret.sql")
				: "Cannot read migration 002_secret.sql in " + location
						+ ": permission denied. Check the file and its permissions.";
		String before = schema(this.database);
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrateUnlessItBlocks(location, root ? secret : null))
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("002_secret.sql"))
			.withMessage(expected);
		assertThat(schema(this.database)).isEqualTo(before);
		assertThat(history()).isEqualTo("[]");
	}

	/**
	 * A named pipe named like a migration, for every user: refused by name before it is
	 * opened, so the run neither blocks on it nor applies anything.
	 */
	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	@Tag(PostgresClient.TAG)
	void aNamedPipeNamedLikeAMigrationIsRefusedWithoutWaitingForAWriter(@TempDir Path folder) throws Exception {
		Files.writeString(folder.resolve("001_users.sql"), "CREATE TABLE users (id int);\n");
		Path pipe = folder.resolve("002_from_a_pipe.sql");
		mkfifo(pipe);
		String location = Instances.location(folder);
		String before = schema(this.database);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrateUnlessItBlocks(location, pipe))
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("002_from_a_pipe.sql"))
			.withMessage(namedPipeMessage(location, pipe, "002_from_a_pipe.sql"));
		assertThat(schema(this.database)).isEqualTo(before);
		assertThat(history()).isEqualTo("[]");
	}

	@Test
	@Tag(PostgresClient.TAG)
	void aBrokenSymbolicLinkNamedLikeAMigrationIsRefusedByName(@TempDir Path folder) throws Exception {
		Files.writeString(folder.resolve("001_users.sql"), "CREATE TABLE users (id int);\n");
		Files.createSymbolicLink(folder.resolve("002_gone.sql"), folder.resolve("elsewhere/002_gone.sql"));
		String before = schema(this.database);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator(Instances.location(folder))::migrate)
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("002_gone.sql"))
			.withMessage("Cannot read migration 002_gone.sql in " + Instances.location(folder)
					+ ": it cannot be opened (a broken symbolic link?). Check the file and its permissions.");
		assertThat(schema(this.database)).isEqualTo(before);
		assertThat(history()).isEqualTo("[]");
	}

	/**
	 * Migrates, failing the test when the run is still going after 30 s: then it waits on
	 * the named pipe, which is opened for writing and closed so that the reader gets an
	 * end of file and no thread is left stuck.
	 */
	private void migrateUnlessItBlocks(String location, @Nullable Path pipe) throws Throwable {
		CompletableFuture<MigrateResult> run = CompletableFuture.supplyAsync(migrator(location)::migrate);
		try {
			run.get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw ex.getCause();
		}
		catch (TimeoutException ex) {
			if (pipe != null) {
				Files.newOutputStream(pipe).close();
			}
			throw new AssertionError("The run still waits on " + pipe + " after 30 s", ex);
		}
	}

	private static String namedPipeMessage(String location, Path file, String name) {
		return "Migration location " + location + " holds " + name + " (file [" + file.toAbsolutePath()
				+ "]), which is not a regular file but a named pipe, socket or device: reading it could wait "
				+ "forever. Replace it with a regular file, or remove it.";
	}

	private static void mkfifo(Path path) throws Exception {
		Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
		assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS)).as("mkfifo finished").isTrue();
		assertThat(mkfifo.exitValue()).as(new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
			.isZero();
		assertThat(Files.isRegularFile(path) || Files.isDirectory(path)).as("a named pipe").isFalse();
	}

	@Test
	@Tag(PostgresClient.TAG)
	void aFolderNamedLikeAMigrationIsRefused(@TempDir Path folder) throws Exception {
		Files.writeString(folder.resolve("001_users.sql"), "CREATE TABLE users (id int);\n");
		Files.createDirectories(folder.resolve("002_not_a_file.sql"));
		String before = schema(this.database);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator(Instances.location(folder))::migrate)
			.withMessageStartingWith("Migration location " + Instances.location(folder) + " holds a folder named "
					+ "002_not_a_file.sql (")
			.withMessageEndingWith("), which looks like a migration but is not a file. Rename the folder so that "
					+ "its name does not end in .sql.");
		assertThat(schema(this.database)).isEqualTo(before);
		assertThat(history()).isEqualTo("[]");
	}

	private Migrator migrator(String location) {
		return new Migrator(this.database.dataSource(), MigratorSettings.builder().locations(location).build());
	}

	/**
	 * Returns the history rows; a history table that is not there reads as empty, because
	 * a run creates its (empty) table on first contact, before it reads the files it will
	 * apply.
	 */
	private String history() {
		JdbcTemplate jdbc = jdbc();
		if (Boolean.FALSE
			.equals(jdbc.queryForObject("SELECT to_regclass('cairn_history') IS NOT NULL", Boolean.class))) {
			return "[]";
		}
		return jdbc.queryForObject("SELECT coalesce(json_agg(h)::text, '[]') FROM cairn_history h", String.class);
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

	static Properties properties(Path folder) throws IOException {
		Properties properties = new Properties();
		Path file = folder.resolve("case.properties");
		if (Files.exists(file)) {
			try (InputStream in = Files.newInputStream(file)) {
				properties.load(in);
			}
		}
		return properties;
	}

	private static Path casesFolder() {
		try {
			return Path.of(HostileInputTests.class.getResource("/scenarios/hostile").toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * What a case expects: the exact message ({@code …} matching any text,
	 * {@code ${location}} the location) and, where there is one, the file, line and
	 * SQLSTATE. With {@code -Dcairn.record=true} a missing expectation is written from
	 * what the run said, for review.
	 */
	record Expected(String script, int line, String sqlState, String message) {

		static @Nullable Expected read(Path file) throws IOException {
			if (!Files.exists(file)) {
				return null;
			}
			String text = Files.readString(file, StandardCharsets.UTF_8);
			int separator = text.indexOf("\n---\n");
			String script = "";
			int line = 0;
			String sqlState = "";
			for (String header : text.substring(0, separator).split("\n")) {
				String value = header.substring(header.indexOf(':') + 1).strip();
				if (header.startsWith("script:")) {
					script = value;
				}
				else if (header.startsWith("line:")) {
					line = Integer.parseInt(value);
				}
				else if (header.startsWith("sqlstate:")) {
					sqlState = value;
				}
			}
			String message = text.substring(separator + 5);
			return new Expected(script, line, sqlState,
					message.endsWith("\n") ? message.substring(0, message.length() - 1) : message);
		}

		void check(MigrationException failure, Path folder) {
			assertThat(failure.getMessage()).as(folder.getFileName() + ": message")
				.matches(Pattern.compile(pattern(this.message, folder), Pattern.DOTALL));
			assertThat(nonNull(failure.getScript())).as(folder.getFileName() + ": script").isEqualTo(this.script);
			assertThat(failure.getLine()).as(folder.getFileName() + ": line").isEqualTo(this.line);
			assertThat(nonNull(failure.getSqlState())).as(folder.getFileName() + ": sqlstate").isEqualTo(this.sqlState);
		}

		static void record(MigrationException failure, Path file) throws IOException {
			Files.writeString(file, "script: " + nonNull(failure.getScript()) + "\nline: " + failure.getLine()
					+ "\nsqlstate: " + nonNull(failure.getSqlState()) + "\n---\n" + failure.getMessage() + "\n");
		}

		private static String pattern(String message, Path folder) {
			StringBuilder pattern = new StringBuilder();
			for (String part : message.split("…", -1)) {
				if (pattern.length() > 0) {
					pattern.append(".*?");
				}
				pattern.append(Pattern.quote(part));
			}
			return pattern.toString();
		}

		private static String nonNull(String value) {
			return (value != null) ? value : "";
		}

	}

}
