package dev.cairn.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link SqlScript}.
 */
class SqlScriptTests {

	@Test
	void runsAPlainFileInATransactionWithoutOverrides() {
		SqlScript script = SqlScript.parse("001_init.sql", "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n");
		assertThat(script.name()).isEqualTo("001_init.sql");
		assertThat(script.transactional()).isTrue();
		assertThat(script.lockTimeout()).isNull();
		assertThat(script.statementTimeout()).isNull();
		assertThat(script.statements()).extracting(SqlStatement::sql)
			.containsExactly("CREATE TABLE t (id int)", "INSERT INTO t VALUES (1)");
	}

	@Test
	void acceptsAnEmptyOrCommentOnlyFile() {
		assertThat(SqlScript.parse("001_x.sql", "").statements()).isEmpty();
		assertThat(SqlScript.parse("001_x.sql", "-- nothing yet\n").statements()).isEmpty();
	}

	@Test
	void readsDirectivesAmongBlankLinesAndComments() {
		SqlScript script = SqlScript.parse("007_reindex.sql", """
				-- Rebuilds the index without blocking writes.
				-- cairn:no-transaction

				--cairn:lock-timeout=30s
				-- cairn:statement-timeout = 10min\r
				CREATE INDEX CONCURRENTLY i ON t (a);
				""");
		assertThat(script.transactional()).isFalse();
		assertThat(script.lockTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(script.statementTimeout()).isEqualTo(Duration.ofMinutes(10));
		assertThat(script.statements()).singleElement().extracting(SqlStatement::line).isEqualTo(6);
	}

	@ParameterizedTest
	@CsvSource({ "250, 250", "250ms, 250", "3s, 3000", "2 min, 120000", "1h, 3600000", "1d, 86400000", "0, 0" })
	void readsDurationsWithPostgresUnits(String value, long millis) {
		SqlScript script = SqlScript.parse("001_x.sql", "-- cairn:lock-timeout=" + value + "\nSELECT 1;");
		assertThat(script.lockTimeout()).isEqualTo(Duration.ofMillis(millis));
	}

	@Test
	void acceptsLintIgnoreAtTheTopAndAboveAStatement() {
		SqlScript script = SqlScript.parse("007_x.sql", """
				-- cairn:lint-ignore json-column the payload is only ever read whole
				-- cairn:lock-timeout=5s
				CREATE TABLE events (payload json);
				-- cairn:lint-ignore create-index-not-concurrent users holds 40 rows
				CREATE INDEX users_name_idx ON users (name);
				""");
		assertThat(script.statements()).hasSize(2);
		assertThat(script.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void refusesAnUnknownDirective() {
		assertThat(error("002_x.sql", "-- header\n  -- cairn:no-transactions\nSELECT 1;")).hasMessage(
				"Migration 002_x.sql, line 2, column 3: unknown directive \"-- cairn:no-transactions\". Cairn knows \"-- cairn:no-transaction\", \"-- cairn:lock-timeout=<duration>\" and \"-- cairn:statement-timeout=<duration>\"; fix the spelling or remove the line.")
			.satisfies((ex) -> {
				assertThat(ex.getScript()).isEqualTo("002_x.sql");
				assertThat(ex.getLine()).isEqualTo(2);
				assertThat(ex.getColumn()).isEqualTo(3);
				assertThat(ex.getSqlState()).isNull();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "30sec", "", "-1s", "1.5s", "30 S", "s" })
	void refusesAnInvalidDuration(String value) {
		assertThat(error("002_x.sql", "-- cairn:statement-timeout=" + value + "\nSELECT 1;"))
			.hasMessage("Migration 002_x.sql, line 1, column 1: invalid duration \"" + value
					+ "\" in \"-- cairn:statement-timeout=" + value
					+ "\". Write a whole number with an optional unit ms, s, min, h or d (no unit means milliseconds), for example \"-- cairn:statement-timeout=30s\".");
	}

	@Test
	void refusesADurationLongerThanPostgresAccepts() {
		assertThat(error("002_x.sql", "-- cairn:lock-timeout=25d\n")).hasMessage(
				"Migration 002_x.sql, line 1, column 1: duration \"25d\" in \"-- cairn:lock-timeout=25d\" is longer than PostgreSQL accepts. Use at most 2147483647ms (about 24 days); 0 turns the timeout off.");
		assertThat(SqlScript.parse("002_x.sql", "-- cairn:lock-timeout=2147483647\n").lockTimeout())
			.isEqualTo(Duration.ofMillis(Integer.MAX_VALUE));
	}

	@Test
	void refusesAValueOnNoTransaction() {
		assertThat(error("002_x.sql", "-- cairn:no-transaction=true\n")).hasMessage(
				"Migration 002_x.sql, line 1, column 1: directive \"-- cairn:no-transaction\" takes no value. Write it as \"-- cairn:no-transaction\".");
	}

	@Test
	void refusesADirectiveGivenTwice() {
		assertThat(error("002_x.sql", "-- cairn:lock-timeout=1s\n\n-- cairn:lock-timeout=2s\n")).hasMessage(
				"Migration 002_x.sql, line 3, column 1: directive \"-- cairn:lock-timeout\" is given twice (first on line 1). Keep one of them.");
	}

	@Test
	void refusesADirectiveAfterSqlHasStarted() {
		assertThat(error("002_x.sql", "SELECT 1;\n-- cairn:no-transaction\nSELECT 2;")).hasMessage(
				"Migration 002_x.sql, line 2, column 1: directive \"-- cairn:no-transaction\" comes after SQL has started. Directives must come before any SQL: move it to the top of the file.");
		assertThat(error("002_x.sql", "SELECT 1 -- cairn:lock-timeout=1s\n;").getLine()).isEqualTo(1);
	}

	@Test
	void ignoresDirectiveLookalikesInsideStringsAndBlockComments() {
		SqlScript script = SqlScript.parse("002_x.sql",
				"/* -- cairn:bogus */ SELECT '\n-- cairn:bogus';\nDO $$\n-- cairn:bogus\nBEGIN END $$;");
		assertThat(script.statements()).hasSize(2);
		assertThat(script.transactional()).isTrue();
	}

	@Test
	void dropsAHandWrittenTransactionWrapper() {
		SqlScript script = SqlScript.parse("003_x.sql", "BEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n");
		assertThat(script.transactional()).isTrue();
		assertThat(script.statements()).extracting(SqlStatement::sql).containsExactly("CREATE TABLE t (id int)");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "BEGIN|COMMIT", "begin work|commit work", "BEGIN TRANSACTION|END",
			"START TRANSACTION|COMMIT TRANSACTION", "Begin /* c */ Transaction|End Work", "BEGIN|END TRANSACTION" })
	void recognisesEveryFormOfTheWrapper(String begin, String commit) {
		SqlScript script = SqlScript.parse("003_x.sql", begin + ";\nSELECT 1;\n" + commit + ";\n");
		assertThat(script.statements()).extracting(SqlStatement::sql).containsExactly("SELECT 1");
	}

	@Test
	void turnsTransactionModesOfTheWrapperIntoSetTransaction() {
		SqlScript script = SqlScript.parse("003_x.sql",
				"-- c\n  BEGIN ISOLATION LEVEL SERIALIZABLE, READ WRITE;\nSELECT 1;\nCOMMIT;");
		assertThat(script.statements())
			.extracting(SqlStatement::sql, SqlStatement::offset, SqlStatement::line, SqlStatement::column)
			.containsExactly(tuple("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE", 7, 2, 3),
					tuple("SELECT 1", 55, 3, 1));
		assertThat(SqlScript.parse("003_x.sql", "START TRANSACTION READ ONLY; SELECT 1; END;").statements())
			.extracting(SqlStatement::sql)
			.containsExactly("SET TRANSACTION READ ONLY", "SELECT 1");
	}

	@Test
	void refusesABeginWithoutCommit() {
		assertThat(error("003_x.sql", "BEGIN;\nSELECT 1;\n")).hasMessage(
				"Migration 003_x.sql, line 1, column 1: BEGIN at the start of the file has no matching COMMIT at its end. Cairn runs the body of a file wrapped in BEGIN; ... COMMIT; in its own transaction: end the file with COMMIT; or remove this statement.");
	}

	@Test
	void refusesACommitWithoutBegin() {
		assertThat(error("003_x.sql", "SELECT 1;\nCOMMIT;\n")).hasMessage(
				"Migration 003_x.sql, line 2, column 1: COMMIT at the end of the file has no matching BEGIN at its start. Cairn runs the body of a file wrapped in BEGIN; ... COMMIT; in its own transaction: start the file with BEGIN; or remove this statement.");
		assertThat(error("003_x.sql", "END;").getMessage())
			.startsWith("Migration 003_x.sql, line 1, column 1: END at the end of the file has no matching BEGIN");
	}

	@Test
	void refusesAWrapperInANoTransactionFile() {
		assertThat(error("003_x.sql", "-- cairn:no-transaction\nBEGIN;\nVACUUM t;\nCOMMIT;\n")).hasMessage(
				"Migration 003_x.sql, line 2, column 1: BEGIN contradicts \"-- cairn:no-transaction\", which runs the file's statements one by one outside a transaction. Remove the BEGIN; ... COMMIT; wrapper, or remove the directive to run the file in one transaction.");
		assertThat(error("003_x.sql", "-- cairn:no-transaction\nVACUUM t;\nCOMMIT;\n").getMessage())
			.startsWith("Migration 003_x.sql, line 3, column 1: COMMIT contradicts \"-- cairn:no-transaction\"");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"',
			value = { "ROLLBACK|ROLLBACK", "rollback work|ROLLBACK", "ABORT|ABORT", "COMMIT|COMMIT", "END|END",
					"SAVEPOINT s|SAVEPOINT", "RELEASE SAVEPOINT s|RELEASE SAVEPOINT", "RELEASE s|RELEASE SAVEPOINT",
					"ROLLBACK TO SAVEPOINT s|ROLLBACK TO SAVEPOINT", "ROLLBACK TRANSACTION TO s|ROLLBACK TO SAVEPOINT",
					"PREPARE TRANSACTION 'x'|PREPARE TRANSACTION", "COMMIT PREPARED 'x'|COMMIT PREPARED",
					"ROLLBACK PREPARED 'x'|ROLLBACK PREPARED", "BEGIN|BEGIN", "START TRANSACTION|START TRANSACTION" })
	void refusesTransactionControlInsideTheFile(String statement, String name) {
		String text = "BEGIN;\nSELECT 1;\n  " + statement + ";\nSELECT 2;\nCOMMIT;\n";
		assertThat(error("002_x.sql", text)).hasMessage("Migration 002_x.sql, line 3, column 3: " + name
				+ " is not allowed in a migration. Cairn runs each file in its own transaction and rolls it back itself on failure; remove this statement.");
	}

	@Test
	void refusesRollbackInAFileWithoutAWrapper() {
		assertThat(error("002_x.sql", "SELECT 1;\n".repeat(39) + "ROLLBACK;\nSELECT 2;")).hasMessage(
				"Migration 002_x.sql, line 40, column 1: ROLLBACK is not allowed in a migration. Cairn runs each file in its own transaction and rolls it back itself on failure; remove this statement.");
	}

	@Test
	void refusesTransactionControlInANoTransactionFile() {
		assertThat(error("002_x.sql", "-- cairn:no-transaction\nVACUUM;\nSAVEPOINT s;\nVACUUM;")).hasMessage(
				"Migration 002_x.sql, line 3, column 1: SAVEPOINT is not allowed in a migration. Cairn runs a \"-- cairn:no-transaction\" file statement by statement outside a transaction; remove this statement.");
	}

	@Test
	void acceptsTransactionWordsInsideFunctionBodies() {
		SqlScript script = SqlScript.parse("002_x.sql", """
				BEGIN;
				CREATE FUNCTION f() RETURNS int LANGUAGE sql
				BEGIN ATOMIC
				  SELECT CASE WHEN true THEN 1 END;
				END;
				CREATE PROCEDURE p() LANGUAGE plpgsql AS $$
				BEGIN
				  COMMIT;
				  ROLLBACK;
				END $$;
				PREPARE q AS SELECT 1;
				COMMIT;
				""");
		assertThat(script.statements()).hasSize(3);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = {
			"CREATE INDEX CONCURRENTLY i ON t (a)|CREATE INDEX CONCURRENTLY",
			"create index concurrently if not exists i on t (a)|CREATE INDEX CONCURRENTLY",
			"CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)|CREATE UNIQUE INDEX CONCURRENTLY",
			"DROP INDEX CONCURRENTLY i|DROP INDEX CONCURRENTLY", "REINDEX INDEX CONCURRENTLY i|REINDEX CONCURRENTLY",
			"REINDEX (VERBOSE) TABLE CONCURRENTLY t|REINDEX CONCURRENTLY", "REINDEX DATABASE d|REINDEX DATABASE",
			"REINDEX SCHEMA s|REINDEX SCHEMA", "REINDEX SYSTEM|REINDEX SYSTEM", "VACUUM|VACUUM",
			"vacuum (analyze) t|VACUUM", "ALTER SYSTEM SET work_mem = '64MB'|ALTER SYSTEM",
			"CREATE DATABASE d|CREATE DATABASE", "DROP DATABASE IF EXISTS d|DROP DATABASE",
			"CREATE TABLESPACE s LOCATION '/x'|CREATE TABLESPACE", "DROP TABLESPACE s|DROP TABLESPACE" })
	void refusesStatementsThatCannotRunInATransaction(String statement, String name) {
		assertThat(error("007_reindex.sql", "-- c\n\n" + statement + ";")).hasMessage("Migration 007_reindex.sql, "
				+ "line 3, column 1: " + name + " cannot run inside a transaction. Add \"-- cairn:no-transaction\" "
				+ "as the first line of 007_reindex.sql; Cairn then runs its statements one by one outside a transaction.");
		SqlScript script = SqlScript.parse("007_reindex.sql", "-- cairn:no-transaction\n" + statement + ";");
		assertThat(script.statements()).hasSize(1);
	}

	@Test
	void skipsCommentsBetweenLeadingKeywords() {
		assertThat(error("007_x.sql", "CREATE /* why */ INDEX -- note\n CONCURRENTLY ON t (a);").getMessage())
			.startsWith(
					"Migration 007_x.sql, line 1, column 1: CREATE INDEX CONCURRENTLY cannot run inside a transaction.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "CREATE INDEX i ON t (a)", "DROP INDEX i", "REINDEX TABLE t", "ALTER TABLE t ADD c int",
			"CREATE TABLE concurrently (a int)", "SELECT 'VACUUM'", "ANALYZE t" })
	void acceptsTheirTransactionalRelatives(String statement) {
		assertThat(SqlScript.parse("007_x.sql", statement + ";").statements()).hasSize(1);
	}

	@Test
	void refusesPsqlMetaCommandsNamingFileAndLine() {
		assertThat(error("003_data.sql", "SELECT 1;\n".repeat(11) + "\\i other.sql\n")).hasMessage(
				"Migration 003_data.sql, line 12, column 1: psql meta-command \\i is not SQL. Cairn sends files to PostgreSQL as SQL, not through psql: inline the included file or make it a migration of its own.");
	}

	@Test
	void reportsLexerErrorsWithFileLineAndColumn() {
		String text = "SELECT 1;\n".repeat(8) + "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1;\n";
		assertThat(error("005_x.sql", text)).hasMessage(
				"Migration 005_x.sql, line 9, column 36: unterminated dollar-quoted string $body$ (it starts here and never ends). Close it with $body$.");
		assertThat(error("005_x.sql", "\r\n\r\n  SELECT 'x"))
			.hasMessageStartingWith("Migration 005_x.sql, line 3, column 10: unterminated quoted string");
	}

	@Test
	void rendersAnExcerptWithACaret() {
		String text = "-- 004\n".repeat(6) + "ALTER TABL findings ADD COLUMN confidence numeric;\n";
		SqlScript script = SqlScript.parse("004_findings_columns.sql", text);
		SqlScript.Position position = script.position(script.statements().get(0), 7);
		assertThat(position.line()).isEqualTo(7);
		assertThat(position.column()).isEqualTo(7);
		assertThat(position.excerpt())
			.isEqualTo("   7 | ALTER TABL findings ADD COLUMN confidence numeric;\n" + "     |       ^");
	}

	@Test
	void countsPostgresPositionsInCodePoints() {
		String text = "SELECT 1;\r\nSELECT '😀😀' || x;";
		SqlScript script = SqlScript.parse("004_x.sql", text);
		// PostgreSQL puts "x" at character 16 of the second statement; in UTF-16 units it
		// is the 18th.
		SqlScript.Position position = script.position(script.statements().get(1), 16);
		assertThat(position.line()).isEqualTo(2);
		assertThat(position.column()).isEqualTo(16);
		assertThat(position.excerpt()).isEqualTo("   2 | SELECT '😀😀' || x;\n     | " + " ".repeat(15) + "^");
	}

	@Test
	void keepsTabsInTheCaretLineAndWidensForLongFiles() {
		String text = "\n".repeat(12344) + "\tSELECT\tnope;";
		SqlScript script = SqlScript.parse("004_x.sql", text);
		SqlScript.Position position = script.position(text.indexOf("nope"));
		assertThat(position.line()).isEqualTo(12345);
		assertThat(position.column()).isEqualTo(9);
		assertThat(position.excerpt()).isEqualTo("12345 | \tSELECT\tnope;\n      | \t      \t^");
	}

	@Test
	void pointsPastTheEndOfAStatementForErrorsAtTheEndOfInput() {
		SqlScript script = SqlScript.parse("004_x.sql", "SELECT (1;\n");
		SqlScript.Position position = script.position(0);
		assertThat(position.excerpt()).isEqualTo("   1 | SELECT (1;\n     | ^");
		assertThat(script.position(script.statements().get(0), 11).column()).isEqualTo(11);
	}

	private static MigrationException error(String name, String text) {
		MigrationException ex = catchThrowableOfType(MigrationException.class, () -> SqlScript.parse(name, text));
		assertThat(ex).as("parsing should fail").isNotNull();
		return ex;
	}

}
