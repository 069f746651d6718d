package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link SqlLexer}.
 */
class SqlLexerTests {

	@Test
	void splitsOnTopLevelSemicolons() {
		assertThat(sqls("SELECT 1; SELECT 2;\nSELECT 3")).containsExactly("SELECT 1", "SELECT 2", "SELECT 3");
	}

	@Test
	void keepsSemicolonsInsideQuotedStringsWithDoubledQuotes() {
		assertThat(sqls("SELECT 'it''s; here', ''';'; SELECT 2")).containsExactly("SELECT 'it''s; here', ''';'",
				"SELECT 2");
	}

	@Test
	void takesBackslashAsAnOrdinaryCharacterInPlainStrings() {
		assertThat(sqls("SELECT 'C:\\'; SELECT '\\\\'; SELECT 3")).containsExactly("SELECT 'C:\\'", "SELECT '\\\\'",
				"SELECT 3");
	}

	@Test
	void honoursBackslashEscapesInEscapeStrings() {
		assertThat(sqls("SELECT E'it\\'s; \\\\'; SELECT e'\\\\'; SELECT E'a''b;'; SELECT 4"))
			.containsExactly("SELECT E'it\\'s; \\\\'", "SELECT e'\\\\'", "SELECT E'a''b;'", "SELECT 4");
	}

	@Test
	void doesNotTakeAnIdentifierEndingInEAsAnEscapeStringPrefix() {
		// "name" ends in e: the string after it is a plain one, so its backslash ends
		// nothing.
		assertThat(sqls("SELECT name'\\'; SELECT 2")).containsExactly("SELECT name'\\'", "SELECT 2");
	}

	@Test
	void readsUnicodeEscapeStringsAndIdentifiers() {
		assertThat(sqls("SELECT U&'d\\0061t\\+000061;' UESCAPE '!'; SELECT u&\"d;\\0061\"; SELECT 3"))
			.containsExactly("SELECT U&'d\\0061t\\+000061;' UESCAPE '!'", "SELECT u&\"d;\\0061\"", "SELECT 3");
	}

	@Test
	void keepsSemicolonsInsideQuotedIdentifiers() {
		assertThat(sqls("SELECT 1 AS \"a;\"\"b\"; SELECT 2")).containsExactly("SELECT 1 AS \"a;\"\"b\"", "SELECT 2");
	}

	@Test
	void keepsSemicolonsInsideDollarQuotes() {
		String function = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$";
		assertThat(sqls("DO $$ BEGIN PERFORM 1; END $$; " + function + "; SELECT $_x9$;$$;$_x9$"))
			.containsExactly("DO $$ BEGIN PERFORM 1; END $$", function, "SELECT $_x9$;$$;$_x9$");
	}

	@Test
	void matchesOnlyTheSameDollarTag() {
		assertThat(sqls("SELECT $a$ $b$; $ab$; $$; $a$; SELECT 2")).containsExactly("SELECT $a$ $b$; $ab$; $$; $a$",
				"SELECT 2");
	}

	@Test
	void takesDollarDigitsAsAParameterNotATag() {
		assertThat(sqls("PREPARE p AS SELECT $1, $2; SELECT 2")).containsExactly("PREPARE p AS SELECT $1, $2",
				"SELECT 2");
	}

	@Test
	void takesDollarSignsInsideIdentifiersAsPartOfThem() {
		assertThat(sqls("SELECT a$$b, c$d; SELECT 2")).containsExactly("SELECT a$$b, c$d", "SELECT 2");
	}

	@Test
	void skipsLineComments() {
		assertThat(sqls("-- first; comment\nSELECT 1 -- trailing; comment\n+ 1; -- last"))
			.containsExactly("SELECT 1 -- trailing; comment\n+ 1");
	}

	@Test
	void skipsNestedBlockComments() {
		assertThat(sqls("/* a /* b; */ c; */ SELECT /* x; /* y */ ; */ 1 /**/; SELECT 2 /*/ z; */"))
			.containsExactly("SELECT /* x; /* y */ ; */ 1", "SELECT 2");
	}

	@Test
	void keepsTheBodyOfBeginAtomicTogether() {
		String function = """
				CREATE FUNCTION sign_of(i int) RETURNS int LANGUAGE sql
				BEGIN ATOMIC
				  SELECT CASE WHEN i > 0 THEN 1 WHEN i < 0 THEN -1 ELSE 0 END;
				  SELECT case when true then 1 end;
				END""";
		String procedure = "create or replace procedure p() language sql begin atomic insert into t values (1); end";
		assertThat(sqls(function + ";\n" + procedure + ";SELECT 3;")).containsExactly(function, procedure, "SELECT 3");
	}

	@Test
	void doesNotCountCaseOutsideABeginAtomicBody() {
		String function = "CREATE FUNCTION f(i int) RETURNS int RETURN CASE WHEN i > 0 THEN 1 END";
		assertThat(sqls(function + "; SELECT CASE WHEN true THEN 1 END; SELECT 3")).containsExactly(function,
				"SELECT CASE WHEN true THEN 1 END", "SELECT 3");
	}

	@Test
	void keepsSemicolonsInsideParentheses() {
		String rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))";
		assertThat(sqls(rule + "; SELECT 2")).containsExactly(rule, "SELECT 2");
	}

	@Test
	void ignoresAnUnbalancedClosingParenthesis() {
		assertThat(sqls("SELECT 1); SELECT 2")).containsExactly("SELECT 1)", "SELECT 2");
	}

	@Test
	void producesNoStatementForEmptyOrCommentOnlyText() {
		assertThat(SqlLexer.split("")).isEmpty();
		assertThat(SqlLexer.split(" \n\t\r\n")).isEmpty();
		assertThat(SqlLexer.split("-- only a comment\n/* and /* another */ */\n")).isEmpty();
		assertThat(SqlLexer.split(";;\n ; -- x\n;")).isEmpty();
	}

	@Test
	void skipsStraySemicolons() {
		assertThat(sqls(";;SELECT 1;;; ;SELECT 2;;")).containsExactly("SELECT 1", "SELECT 2");
	}

	@Test
	void leavesOutWhitespaceAndCommentsBeforeTheSemicolon() {
		assertThat(sqls("SELECT 1 /* c */ -- d\n ;SELECT 2\n\n-- end\n")).containsExactly("SELECT 1", "SELECT 2");
	}

	@Test
	void givesOffsetLineAndColumnOfTheFirstToken() {
		List<SqlStatement> statements = SqlLexer.split("-- header\n\n  SELECT 1; /* c */ SELECT\n2;\n\tSELECT 3");
		assertThat(statements)
			.extracting(SqlStatement::sql, SqlStatement::offset, SqlStatement::line, SqlStatement::column)
			.containsExactly(tuple("SELECT 1", 13, 3, 3), tuple("SELECT\n2", 31, 3, 21), tuple("SELECT 3", 42, 5, 2));
	}

	@Test
	void countsCarriageReturnLineFeedAndLoneCarriageReturnAsOneLineEnd() {
		List<SqlStatement> statements = SqlLexer.split("SELECT 1;\r\n-- c\r\n  SELECT 2;\rSELECT 3;");
		assertThat(statements).extracting(SqlStatement::line, SqlStatement::column)
			.containsExactly(tuple(1, 1), tuple(3, 3), tuple(4, 1));
		assertThat(statements.get(1).offset()).isEqualTo(19);
	}

	@Test
	void countsColumnsInCodePoints() {
		String text = "SELECT '😀'; SELECT 2";
		assertThat(SqlLexer.split(text).get(1).column()).isEqualTo(13);
		assertThat(SqlLexer.split(text).get(1).offset()).isEqualTo(13);
		assertThat(SqlLexer.lineAndColumn(text, text.indexOf("'", 8) + 1)).containsExactly(1, 11);
	}

	@Test
	void mapsAnyOffsetToLineAndColumn() {
		String text = "ab\ncd\r\nef\rgh";
		assertThat(SqlLexer.lineAndColumn(text, 0)).containsExactly(1, 1);
		assertThat(SqlLexer.lineAndColumn(text, 2)).containsExactly(1, 3);
		assertThat(SqlLexer.lineAndColumn(text, 4)).containsExactly(2, 2);
		assertThat(SqlLexer.lineAndColumn(text, 7)).containsExactly(3, 1);
		assertThat(SqlLexer.lineAndColumn(text, 10)).containsExactly(4, 1);
		assertThat(SqlLexer.lineAndColumn(text, text.length())).containsExactly(4, 3);
	}

	@Test
	void readsTheDataOfCopyFromStdin() {
		String dump = """
				COPY public.t (a, b) FROM stdin;
				1\tx; y
				2\t\\N
				\\.
				SELECT pg_catalog.setval('s', 2, true);
				""";
		List<SqlStatement> statements = SqlLexer.split(dump);
		assertThat(statements).extracting(SqlStatement::sql, SqlLexerTests::copyText, SqlStatement::line)
			.containsExactly(tuple("COPY public.t (a, b) FROM stdin", "1\tx; y\n2\t\\N\n", 1),
					tuple("SELECT pg_catalog.setval('s', 2, true)", null, 5));
	}

	@Test
	void readsCopyFromStdinWithOptionsInAnyCase() {
		List<SqlStatement> statements = SqlLexer
			.split("copy t from STDIN with (format csv, header) ; -- data follows\na,b\n\"x;\",\\.y\n\\.");
		assertThat(statements).singleElement()
			.extracting(SqlStatement::sql, SqlLexerTests::copyText)
			.containsExactly("copy t from STDIN with (format csv, header)", "a,b\n\"x;\",\\.y\n");
	}

	@Test
	void readsEmptyCopyDataAndNormalisesCarriageReturns() {
		assertThat(SqlLexer.split("COPY t FROM stdin;\r\n\\.\r\nSELECT 1")).extracting(SqlLexerTests::copyText)
			.containsExactly("", null);
		assertThat(SqlLexer.split("COPY t FROM stdin;\r\na\r\nb\rc\n\\.\r\n").get(0).copyData())
			.hasToString("a\nb\nc\n");
	}

	@Test
	void leavesCopyToStdoutAndFromFilesWithoutData() {
		assertThat(SqlLexer.split("COPY t TO stdout; COPY t FROM '/tmp/stdin'; COPY (SELECT 1 FROM stdin) TO stdout"))
			.extracting(SqlStatement::copyData)
			.containsOnlyNulls();
	}

	@Test
	void refusesCopyFromStdinWithoutTheEndOfDataLine() {
		assertThat(syntaxError("SELECT 1;\nCOPY t FROM stdin;\n1\n2\n\\.x\n")).hasMessage(
				"COPY ... FROM stdin has no \\. line to end its data. Add a line holding only \\. after the last line of data.")
			.extracting(SqlLexer.SyntaxError::getOffset)
			.isEqualTo(10);
		assertThat(syntaxError("COPY t FROM stdin").getOffset()).isZero();
	}

	@Test
	void refusesTextAfterCopyFromStdinOnItsLine() {
		assertThat(syntaxError("COPY t FROM stdin; SELECT 1;\n\\.\n")).hasMessage(
				"unexpected text after COPY ... FROM stdin; on the same line (its data starts on the next line). Move it after the \\. line that ends the data.")
			.extracting(SqlLexer.SyntaxError::getOffset)
			.isEqualTo(19);
	}

	@Test
	void refusesAnUnterminatedQuotedString() {
		assertThat(syntaxError("SELECT 1;\nSELECT 'abc;\nSELECT 2;")).hasMessage(
				"unterminated quoted string (it starts here and never ends). Close it with ' and write a quote inside it as ''.")
			.extracting(SqlLexer.SyntaxError::getOffset)
			.isEqualTo(17);
		assertThat(syntaxError("SELECT E'abc\\'").getOffset()).isEqualTo(7);
		assertThat(syntaxError("SELECT U&'abc").getOffset()).isEqualTo(7);
	}

	@Test
	void refusesAnUnterminatedQuotedIdentifier() {
		assertThat(syntaxError("SELECT 1 AS \"x\"\";")).hasMessage(
				"unterminated quoted identifier (it starts here and never ends). Close it with \" and write a double quote inside it as \"\".")
			.extracting(SqlLexer.SyntaxError::getOffset)
			.isEqualTo(12);
	}

	@Test
	void refusesAnUnterminatedDollarQuote() {
		assertThat(syntaxError("DO $body$ BEGIN END $$;"))
			.hasMessage(
					"unterminated dollar-quoted string $body$ (it starts here and never ends). Close it with $body$.")
			.extracting(SqlLexer.SyntaxError::getOffset)
			.isEqualTo(3);
	}

	@Test
	void refusesAnUnterminatedBlockComment() {
		assertThat(syntaxError("SELECT 1; /* a /* b */ SELECT 2;")).hasMessage(
				"unterminated block comment (it starts here and never ends). Close it with */; comments nest, so each /* inside it needs its own */ too.")
			.extracting(SqlLexer.SyntaxError::getOffset)
			.isEqualTo(10);
	}

	@Test
	void refusesPsqlMetaCommands() {
		assertThat(syntaxError("SELECT 1;\n\\i other.sql\n")).hasMessage(
				"psql meta-command \\i is not SQL. Cairn sends files to PostgreSQL as SQL, not through psql: inline the included file or make it a migration of its own.")
			.extracting(SqlLexer.SyntaxError::getOffset)
			.isEqualTo(10);
		assertThat(syntaxError("\\set ON_ERROR_STOP on")).hasMessage(
				"psql meta-command \\set is not SQL. Cairn sends files to PostgreSQL as SQL, not through psql: write each variable's value in its place and remove this line.");
		assertThat(syntaxError("\\connect db\r\nSELECT 1")).hasMessage(
				"psql meta-command \\connect is not SQL. Cairn sends files to PostgreSQL as SQL, not through psql: Cairn migrates the database it is configured for, so remove this line.");
		assertThat(syntaxError("\\c db")).hasMessageStartingWith("psql meta-command \\c is not SQL.");
		assertThat(syntaxError("\\echo hi")).hasMessage(
				"psql meta-command \\echo is not SQL. Cairn sends files to PostgreSQL as SQL, not through psql: remove it.");
		assertThat(syntaxError("SELECT 1;\n\\.\n")).hasMessage(
				"psql meta-command \\. is not SQL. Cairn sends files to PostgreSQL as SQL, not through psql: remove this line (a \\. line only ends the data after COPY ... FROM stdin;).");
	}

	@Test
	void refusesAPsqlMetaCommandInTheMiddleOfAStatement() {
		assertThat(syntaxError("SELECT 1,\n\\echo x\n2;").getOffset()).isEqualTo(10);
		assertThat(syntaxError("SELECT 1 \\gset").getMessage()).startsWith("psql meta-command \\gset is not SQL.");
	}

	@Test
	void acceptsBackslashesInsideQuotesAndComments() {
		assertThat(sqls("-- \\i x\n/* \\set */ SELECT '\\i', \"\\c\", $$\\echo$$"))
			.containsExactly("SELECT '\\i', \"\\c\", $$\\echo$$");
	}

	@Test
	void splitsGeneratedScriptsIntoExactlyTheirStatements() {
		Random random = new Random(20240131L);
		for (int script = 0; script < 2000; script++) {
			StringBuilder text = new StringBuilder();
			List<SqlStatement> expected = new ArrayList<>();
			text.append(gap(random, true));
			int count = random.nextInt(12);
			for (int i = 0; i < count; i++) {
				Piece piece = POOL[random.nextInt(POOL.length)];
				int[] lineAndColumn = lineAndColumnOf(text);
				expected.add(new SqlStatement(piece.sql(), text.length(), lineAndColumn[0], lineAndColumn[1],
						piece.copyData()));
				text.append(piece.sql());
				boolean last = i == count - 1;
				if (last && piece.copyData() == null && random.nextBoolean()) {
					text.append(random.nextBoolean() ? "" : "\n-- the end");
					break;
				}
				text.append(gap(random, false)).append(';');
				if (piece.copyData() != null) {
					text.append(random.nextBoolean() ? " -- data" : "").append(random.nextBoolean() ? "\r\n" : "\n");
					text.append(piece.copyData()).append("\\.\n");
				}
				text.append(gap(random, true));
			}
			String sql = text.toString();
			assertThat(SqlLexer.split(sql)).as("script %d:%n%s", script, sql)
				.map(SqlLexerTests::shown)
				.isEqualTo(expected.stream().map(SqlLexerTests::shown).toList());
		}
	}

	private static final Piece[] POOL = { new Piece("SELECT 1", null), new Piece("SELECT 'it''s; here'", null),
			new Piece("SELECT E'back\\'slash; \\\\', e'\\\\'", null), new Piece("SELECT 'C:\\'", null),
			new Piece("SELECT U&'d\\0061t;' UESCAPE '!', U&\"x;\"", null),
			new Piece("SELECT \"semi;colon \"\"quoted\"\"\" FROM t", null),
			new Piece("DO $$ BEGIN RAISE NOTICE 'x;'; END $$", null),
			new Piece("CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$ BEGIN RETURN $x$;$x$; END; $body$",
					null),
			new Piece("SELECT $1::int, $a$ $b$ ; $a$", null), new Piece("SELECT $_$a;b$_$, x$$y", null),
			new Piece("SELECT 1 /* a /* nested; */ still; */ + 2", null),
			new Piece("SELECT 1 -- trailing; comment\n + 2", null),
			new Piece("SELECT 1 -- crlf; comment\r\n + 2", null),
			new Piece(
					"CREATE FUNCTION g(i int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN i > 0 THEN 1 "
							+ "ELSE 0 END;\n  SELECT i;\nEND",
					null),
			new Piece("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END", null),
			new Piece("create function h() returns int return case when true then 1 end", null),
			new Piece("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))",
					null),
			new Piece("SELECT 'multi\r\nline;'", null),
			new Piece("INSERT INTO t VALUES ('a', $tag$ it's $$ nested $$ ; $tag$)", null),
			new Piece("SELECT B'0101', X'FF', N'n;'", null), new Piece("SELECT '😀;' AS \"é;\"", null),
			new Piece("BEGIN", null), new Piece("END", null), new Piece("COPY t (a, b) FROM stdin", "1\tx;y\n2\t\\N\n"),
			new Piece("copy \"T\" from STDIN with (format csv)", "a,'b;'\n\"--\",/*\n"),
			new Piece("COPY t FROM stdin", "") };

	private static final String[] GAPS = { " ", "\n", "\r\n", "\t", "-- comment; 'x\n", "/* c; /* nested */ $$ */",
			"  \n\n", "-- \\i x\r\n" };

	private static String gap(Random random, boolean semicolons) {
		StringBuilder gap = new StringBuilder(" ");
		int parts = random.nextInt(4);
		for (int i = 0; i < parts; i++) {
			gap.append((semicolons && random.nextInt(4) == 0) ? ";" : GAPS[random.nextInt(GAPS.length)]);
		}
		return gap.append(' ').toString();
	}

	private static int[] lineAndColumnOf(CharSequence text) {
		String before = text.toString().replace("\r\n", "\n").replace('\r', '\n');
		int lineStart = before.lastIndexOf('\n') + 1;
		int line = (int) before.chars().filter((c) -> c == '\n').count() + 1;
		return new int[] { line, before.codePointCount(lineStart, before.length()) + 1 };
	}

	private static List<String> sqls(String text) {
		return SqlLexer.split(text).stream().map(SqlStatement::sql).toList();
	}

	private static SqlLexer.SyntaxError syntaxError(String text) {
		return catchThrowableOfType(SqlLexer.SyntaxError.class, () -> SqlLexer.split(text));
	}

	private record Piece(String sql, String copyData) {

	}

	private static @Nullable String copyText(SqlStatement statement) {
		return (statement.copyData() != null) ? statement.copyData().toString() : null;
	}

	private static String shown(SqlStatement statement) {
		return statement.sql() + " @" + statement.offset() + " " + statement.line() + ":" + statement.column()
				+ " copy=" + copyText(statement);
	}

}
