package dev.cairn.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.cairn.test.PostgresClient;
import dev.cairn.test.Processes;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SqlLexer} against PostgreSQL as the oracle: random scripts, from a new seed each
 * run, built from every quoting and comment form, dollar tags, {@code BEGIN ATOMIC}
 * bodies and semicolons in all the places they do not end a statement, where every
 * statement leaves a mark (a row in a log table). Each script runs once through psql,
 * which splits with PostgreSQL's own lexer, and once split by Cairn, statement by
 * statement over the extended protocol (which refuses two statements in one); both must
 * leave the same rows. Each script runs in a transaction that is rolled back, so one
 * database serves them all. It needs psql, so it runs under {@code -Pproofs} (10,000
 * scripts) or on its own ({@code -Dtest=LexerOracleTests -Dcairn.excludedGroups=}, 500
 * scripts); {@code cairn.oracle.scripts} sets the count; the seed is printed and
 * {@code -Dcairn.oracle.seed=N} replays it.
 */
@Tag(PostgresClient.TAG)
class LexerOracleTests {

	private static final String[] PIECES = { "'plain'", "'it''s; -- not a comment /* nor this */'",
			"E'tab\\there\\'s; \\\\ done'", "e'\\''", "U&'d\\0061t\\+000061'", "U&'x!0041;' UESCAPE '!'",
			"$$dollar; 'quote' -- not a comment$$", "$a$ $$ nested $$ ; $a$", "$_$x;$_$",
			"$tag1$ ; $tag2$ inner $tag1$", "'multi\nline; string'", "''", "'/* not a comment */'", "B'101'::text",
			"X'1F'::text", "'adjacent'\n  'continued'", "'C:\\path\\'", "(5 -/* c */- 1)::text", "1.5e3::text",
			".5::text", "chr(59)", "'$$'", "E'\\x41\\101\\u0042'", "$q$E'not an escape\\'$q$", "'semi;colon'",
			"(SELECT 'sub;' AS \"a;b\"\"c\")", "(SELECT 'id' AS x$y$z)",
			"(SELECT v FROM (VALUES ('in;values')) AS t(v))", "CASE WHEN true THEN 'case;' ELSE 'no' END",
			"format('%s', $f$fmt;$f$)", "'END; BEGIN'", "(SELECT 'kw' AS \"end\")", "'--'", "'/*'", "'*/'", "'\\'",
			"$\u00e9t\u00e9$unicode tag;$\u00e9t\u00e9$", "'\u00e9mojis \ud83d\ude00;'",
			"(SELECT string_agg(x, ';') FROM unnest(ARRAY['a;', $$b'$$]) x)" };

	private static final String[] JOINS = { " || ", " /* c; */ || ", " -- c ; x\n|| ", "\n\t|| ",
			" /* a /* b; */ c */ || ", "||", " --\n|| ", "\r\n|| " };

	private static final String[] ENDS = { ";\n", ";", ";\r\n", "; -- trailing ; comment\n", ";\n\n/* block; */\n",
			";;\n", " ;\n-- between\n", ";\t" };

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	private final List<String> psqlErrors = new ArrayList<>();

	@Test
	void cairnSplitsEveryScriptAsPostgresqlDoes() throws Exception {
		int count = Integer.getInteger("cairn.oracle.scripts", 500);
		long seed = Long.getLong("cairn.oracle.seed", System.nanoTime());
		System.out.println("LexerOracleTests: seed " + seed + " (replay with -Dcairn.oracle.seed=" + seed + ")");
		Random random = new Random(seed);
		List<String> scripts = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			scripts.add(script(random));
		}
		try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE log (seq bigserial PRIMARY KEY, v text)");
		}
		Map<Integer, String> oracle = new HashMap<>();
		int batch = 500;
		for (int from = 0; from < count; from += batch) {
			oracle.putAll(throughPsql(scripts, from, Math.min(from + batch, count)));
		}
		List<String> disagreements = new ArrayList<>();
		try (Connection connection = database.connect()) {
			connection.setAutoCommit(false);
			for (int i = 0; i < count; i++) {
				String expected = oracle.get(i);
				assertThat(expected)
					.as("psql ran script %d of seed %d without error:%n%s%npsql said: %s", i, seed, scripts.get(i),
							this.psqlErrors)
					.isNotNull();
				String actual = throughCairn(connection, scripts.get(i));
				if (!expected.equals(actual)) {
					disagreements.add("script " + i + " (seed " + seed + "): psql left " + expected + ", Cairn left "
							+ actual + "\n" + scripts.get(i));
				}
			}
		}
		assertThat(disagreements).as("%d scripts of seed %d", count, seed).isEmpty();
	}

	static String script(Random random) {
		StringBuilder script = new StringBuilder();
		if (random.nextInt(4) == 0) {
			script.append(pick(random, "-- leading comment; with semicolon\n", "/* leading /* nested */ */\n", "\n\n",
					"-- leading\n\n"));
		}
		int statements = 1 + random.nextInt(6);
		for (int s = 0; s < statements; s++) {
			boolean last = s == statements - 1;
			script.append(statement(random, s));
			if (last && random.nextInt(3) == 0) {
				script.append(pick(random, "", "\n", " -- the end, no newline", "\n/* end */"));
			}
			else {
				script.append(pick(random, ENDS));
			}
		}
		return script.toString();
	}

	private static String statement(Random random, int index) {
		return switch (random.nextInt(6)) {
			case 0, 1 -> "INSERT INTO log (v) VALUES (" + expression(random, null) + ")";
			case 2 -> "INSERT INTO log (v) SELECT " + expression(random, null) + " AS "
					+ pick(random, "\"a;b\"\"c\"", "x$y$z", "U&\"\\0041;\"", "\"--\"", "plain");
			case 3 -> {
				String tag = pick(random, "$do$", "$$", "$body_1$", "$x$");
				yield "DO " + tag + "\nBEGIN\n  INSERT INTO log (v) VALUES (" + expression(random, tag) + ");"
						+ pick(random, "", "\n  PERFORM 1; -- c;\n", " /* ; */ ") + "\nEND\n" + tag;
			}
			case 4 -> {
				String name = "pg_temp.f" + index;
				yield "CREATE FUNCTION " + name + "() RETURNS void LANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO log (v) "
						+ "VALUES (" + expression(random, null) + ");\n"
						+ pick(random, "",
								"  INSERT INTO log (v) VALUES (CASE WHEN 1 = 1 THEN " + expression(random, null)
										+ " END);\n",
								"  SELECT CASE WHEN true THEN 1 ELSE 0 END;\n")
						+ "END" + pick(random, ENDS) + "SELECT " + name + "()";
			}
			default -> {
				String name = "pg_temp.p" + index;
				yield "CREATE PROCEDURE " + name + "() LANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO log (v) VALUES ("
						+ expression(random, null) + ");\nEND" + pick(random, ENDS) + "CALL " + name + "()";
			}
		};
	}

	private static String expression(Random random, String tag) {
		StringBuilder expression = new StringBuilder();
		int pieces = 1 + random.nextInt(4);
		for (int p = 0; p < pieces; p++) {
			String piece;
			do {
				piece = pick(random, PIECES);
			}
			while (tag != null && piece.contains(tag));
			if (p > 0) {
				expression.append(pick(random, JOINS));
			}
			expression.append(piece);
		}
		return "(" + expression + ")::text";
	}

	@SafeVarargs
	private static <T> T pick(Random random, T... choices) {
		return choices[random.nextInt(choices.length)];
	}

	private Map<Integer, String> throughPsql(List<String> scripts, int from, int to)
			throws IOException, InterruptedException {
		StringBuilder input = new StringBuilder("\\set ON_ERROR_STOP 0\n");
		for (int i = from; i < to; i++) {
			input.append("BEGIN;\n")
				.append(scripts.get(i))
				.append("\n;\n")
				.append("SELECT '@@")
				.append(i)
				.append("@@' || ")
				.append(digest())
				.append(";\nROLLBACK;\n");
		}
		Path file = this.folder.resolve("batch-" + from + ".sql");
		Files.writeString(file, input, StandardCharsets.UTF_8);
		String output = Processes
			.run(new ProcessBuilder("psql", "-X", "-q", "-A", "-t", "-d", database.libpqUri(), "-f", file.toString()),
					Duration.ofMinutes(5))
			.output();
		Map<Integer, String> results = new HashMap<>();
		for (String line : output.split("\n")) {
			if (line.startsWith("@@")) {
				int end = line.indexOf("@@", 2);
				results.put(Integer.parseInt(line.substring(2, end)), line.substring(end + 2));
			}
			else if (line.contains("ERROR:")) {
				this.psqlErrors.add(line);
			}
		}
		return results;
	}

	private static String throughCairn(Connection connection, String script) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.setEscapeProcessing(false);
			try {
				for (SqlStatement sql : SqlLexer.split(script)) {
					statement.execute(sql.sql());
				}
				try (ResultSet result = statement.executeQuery("SELECT " + digest())) {
					result.next();
					return result.getString(1);
				}
			}
			catch (SQLException | SqlLexer.SyntaxError ex) {
				return "error: " + ex.getMessage();
			}
			finally {
				connection.rollback();
			}
		}
	}

	private static String digest() {
		return "count(*) || ':' || md5(coalesce(string_agg(v, E'\\x1f' ORDER BY seq), '')) FROM log";
	}

}
