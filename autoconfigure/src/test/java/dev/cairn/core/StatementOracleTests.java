package dev.cairn.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.cairn.test.PostgresClient;
import dev.cairn.test.PrivateCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The statements Cairn sends, against the statements psql sends, both as the server saw
 * them: a private cluster logs every statement ({@code log_statement = all}, as JSON),
 * the same random scripts run once as Cairn migrations (lexer, script, executor, batches:
 * the whole path a migration takes) and once through {@code psql -f}, and the two lists
 * of statements must be equal, script by script, and so must the statements Cairn split
 * each file into (pgjdbc would split two statements Cairn failed to tell apart). The seed
 * is new every run and printed; {@code -Dcairn.oracle.seed=N} replays one,
 * {@code -Dcairn.oracle.scripts=N} sets how many (200 by default).
 */
@Tag(PostgresClient.TAG)
@Tag("slow")
class StatementOracleTests {

	private static final String CAIRN = "cairn migrate ";

	private static final String PSQL = "psql-oracle";

	private static PrivateCluster cluster;

	@TempDir
	Path folder;

	@BeforeAll
	static void startCluster() {
		cluster = PrivateCluster.trusting("logging_collector = on", "log_destination = 'jsonlog'",
				"log_statement = 'all'", "log_directory = 'log'", "log_filename = 'statements'");
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void cairnSendsTheStatementsPsqlSendsForEveryScript() throws Exception {
		int count = Integer.getInteger("cairn.oracle.scripts", 200);
		long seed = Long.getLong("cairn.oracle.seed", System.nanoTime());
		System.out.println("StatementOracleTests: seed " + seed + " (replay with -Dcairn.oracle.seed=" + seed + ")");
		Random random = new Random(seed);
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		List<String> scripts = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String script = LexerOracleTests.script(random);
			scripts.add(script);
			Files.writeString(migrations.resolve("%04d_script.sql".formatted(i + 1)), script, StandardCharsets.UTF_8);
		}
		cluster.execute("postgres", "CREATE DATABASE through_cairn", "CREATE DATABASE through_psql");
		for (String database : List.of("through_cairn", "through_psql")) {
			cluster.execute(database, "CREATE TABLE log (seq bigserial PRIMARY KEY, v text)");
		}
		String marker = "SELECT 'end of script'";
		StringBuilder psqlInput = new StringBuilder();
		for (String script : scripts) {
			// Cairn drops a migration's temporary objects after it; psql must too.
			psqlInput.append(script).append("\n;\n").append(marker).append(";\nDISCARD TEMP;\n");
		}
		Path input = Files.writeString(this.folder.resolve("all.sql"), psqlInput, StandardCharsets.UTF_8);
		PostgresClient.run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
				"postgresql://postgres@127.0.0.1:" + cluster.port() + "/through_psql?application_name=" + PSQL, "-f",
				input.toString());
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(cluster.url("through_cairn") + "?user=postgres");
		MigrateResult result = new Migrator(dataSource,
				MigratorSettings.builder().locations(Instances.location(migrations)).lint(LintMode.OFF).build(),
				MigrationListener.NONE, List.of())
			.migrate();
		assertThat(result.applied()).hasSize(count);
		List<List<String>> byPsql = split(statements(PSQL), marker);
		List<List<String>> byCairn = perMigration(statements(CAIRN));
		assertThat(byPsql).as("psql's scripts").hasSize(count);
		assertThat(byCairn).as("Cairn's migrations").hasSize(count);
		List<String> disagreements = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			List<String> expected = byPsql.get(i);
			if (!same(expected, byCairn.get(i))) {
				disagreements.add("script " + (i + 1) + " of seed " + seed + ":\n" + scripts.get(i) + "\npsql sent "
						+ expected + "\nCairn sent " + byCairn.get(i));
			}
			// pgjdbc splits a string of several statements itself, so the server alone
			// would not see two statements Cairn failed to tell apart: its own list must
			// match as well.
			List<String> parsed = SqlScript.parse("%04d_script.sql".formatted(i + 1), scripts.get(i))
				.statements()
				.stream()
				.map((statement) -> withoutLeadingComments(statement.sql()))
				.toList();
			if (!same(expected, parsed)) {
				disagreements.add("script " + (i + 1) + " of seed " + seed + ":\n" + scripts.get(i) + "\npsql sent "
						+ expected + "\nCairn split it into " + parsed);
			}
		}
		assertThat(disagreements).as("%d scripts of seed %d", count, seed).isEmpty();
	}

	/**
	 * Returns the statements of one application, in the order the server logged them,
	 * each as the server saw it with whitespace and a final semicolon at its ends
	 * trimmed; empty statements (a lone semicolon) are left out.
	 */
	private static List<String> statements(String applicationName) throws IOException {
		List<String> statements = new ArrayList<>();
		JsonMapper json = JsonMapper.builder().build();
		Path log = cluster.log().resolveSibling("data").resolve("log").resolve("statements.json");
		try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
			for (String line : (Iterable<String>) lines::iterator) {
				JsonNode entry = json.readTree(line);
				String application = entry.path("application_name").asString("");
				String message = entry.path("message").asString("");
				if (!application.startsWith(applicationName)) {
					continue;
				}
				int colon = message.indexOf(": ");
				if (message.startsWith("statement: ") || (message.startsWith("execute ") && colon > 0)) {
					// psql sends a statement with its semicolon, pgjdbc without.
					String sql = withoutLeadingComments(message.substring(colon + 2));
					sql = sql.endsWith(";") ? sql.substring(0, sql.length() - 1).strip() : sql;
					if (!sql.isEmpty()) {
						statements.add(sql);
					}
				}
			}
		}
		return statements;
	}

	/**
	 * Tells whether two lists hold the same statements: equal, except that psql sends the
	 * comments after a script's last statement along with it, where Cairn ends the
	 * statement at its last token.
	 */
	private static boolean same(List<String> byPsql, List<String> byCairn) {
		if (byPsql.size() != byCairn.size()) {
			return false;
		}
		for (int i = 0; i < byPsql.size(); i++) {
			String psql = byPsql.get(i);
			String cairn = byCairn.get(i);
			if (!psql.startsWith(cairn) || !withoutLeadingComments(psql.substring(cairn.length())).isEmpty()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Drops the comments before a statement's first token, which psql sends along when
	 * they are block comments and Cairn never does; they change nothing.
	 */
	private static String withoutLeadingComments(String sql) {
		String rest = sql.strip();
		while (true) {
			if (rest.startsWith("--")) {
				int end = rest.indexOf('\n');
				rest = (end < 0) ? "" : rest.substring(end + 1).strip();
			}
			else if (rest.startsWith("/*")) {
				int depth = 0;
				int i = 0;
				do {
					if (rest.startsWith("/*", i)) {
						depth++;
						i += 2;
					}
					else if (rest.startsWith("*/", i)) {
						depth--;
						i += 2;
					}
					else {
						i++;
					}
				}
				while (depth > 0 && i < rest.length());
				rest = rest.substring(i).strip();
			}
			else {
				return rest;
			}
		}
	}

	private static List<List<String>> split(List<String> statements, String marker) {
		List<List<String>> scripts = new ArrayList<>();
		List<String> current = new ArrayList<>();
		for (String sql : statements) {
			if (sql.equals(marker)) {
				scripts.add(current);
				current = new ArrayList<>();
			}
			else if (!sql.equals("DISCARD TEMP")) {
				current.add(sql);
			}
		}
		return scripts;
	}

	/**
	 * Cuts Cairn's working session into its migrations: each is a transaction that starts
	 * with its {@code SET LOCAL} settings and ends with the session reset, and what lies
	 * between is the file's statements.
	 */
	private static List<List<String>> perMigration(List<String> statements) {
		List<List<String>> migrations = new ArrayList<>();
		List<String> current = null;
		for (String sql : statements) {
			if (sql.startsWith("SET LOCAL lock_timeout")) {
				current = new ArrayList<>();
			}
			else if (sql.startsWith("SET LOCAL ")) {
				continue;
			}
			else if (sql.equals("RESET ALL")) {
				if (current != null) {
					migrations.add(current);
				}
				current = null;
			}
			else if (current != null) {
				current.add(sql);
			}
		}
		return migrations;
	}

}
