package dev.cairn.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Transactional migrations sent several per round trip still apply each in a transaction
 * of its own: a statement that fails in the middle of a group leaves the migrations
 * before it applied and recorded, nothing of its own, and nothing after it, and is named
 * by file, line and column as when it runs alone.
 */
class PipelineTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final List<String> applied = new CopyOnWriteArrayList<>();

	private final MigrationListener listener = new MigrationListener() {

		@Override
		public void migrationApplied(MigrateResult.Applied migration) {
			PipelineTests.this.applied.add(migration.script());
		}

	};

	@Test
	void aStatementFailingInTheMiddleOfAGroupKeepsTheMigrationsBeforeItAndNothingElse() {
		Migrator migrator = migrator("pipeline-failure");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator::migrate).withMessage("""
				Migration 003_ledger.sql failed at line 4, column 1: duplicate key value violates unique \
				constraint "ledger_pkey" (SQLSTATE 23505)
				   4 | INSERT INTO ledger VALUES (1), (1);
				     | ^
				Detail: Key (id)=(1) already exists.
				Nothing from this migration was applied; the 2 migration(s) applied before it in this run stay \
				applied. Fix the file and restart.""").satisfies((ex) -> assertThat(ex.getLine()).isEqualTo(4));
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		assertThat(jdbc.queryForList("SELECT name FROM accounts ORDER BY id", String.class)).containsExactly("first",
				"second; with a semicolon");
		assertThat(jdbc.queryForList(
				"SELECT table_name::text FROM information_schema.tables " + "WHERE table_schema = 'public' ORDER BY 1",
				String.class))
			.containsExactly("accounts", "cairn_history");
		assertThat(jdbc.queryForList("SELECT script || ' ' || success FROM cairn_history ORDER BY installed_rank",
				String.class))
			.containsExactly("001_accounts.sql true", "002_more_accounts.sql true");
		assertThat(this.applied).containsExactly("001_accounts.sql", "002_more_accounts.sql");
	}

	@Test
	void aGroupRecordsEachMigrationWithItsOwnRowAndSessionReset() {
		MigrateResult result = migrator("many").migrate();
		assertThat(result.applied()).hasSize(30);
		assertThat(this.applied).hasSize(30).startsWith("001_table_1.sql", "002_table_2.sql");
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		assertThat(jdbc.queryForObject("SELECT count(DISTINCT installed_on) FROM cairn_history", Integer.class))
			.as("each migration commits its own transaction")
			.isEqualTo(30);
		assertThat(jdbc.queryForObject(
				"SELECT string_agg(installed_rank::text, ',' ORDER BY installed_rank) "
						+ "FROM cairn_history WHERE execution_ms >= 0 AND success AND checksum LIKE 'sha256:%'",
				String.class))
			.isEqualTo(
					String.join(",", java.util.stream.IntStream.rangeClosed(1, 30).mapToObj(String::valueOf).toList()));
		assertThat(result.status().migrations()).allMatch((m) -> m.state() == MigrationState.APPLIED
				&& m.installedOn() != null && "postgres".equals(m.installedBy()) == isPostgres());
	}

	@Test
	void groupsStopAtFilesThatNeedTheirResults() {
		assertThat(Pipeline.groupEnd(List.of(), List.of(), 0)).isZero();
		SqlScript plain = SqlScript.parse("1_a.sql", "CREATE TABLE a (id int);");
		SqlScript select = SqlScript.parse("2_b.sql", "SELECT 1;");
		SqlScript noTransaction = SqlScript.parse("3_c.sql", "-- cairn:no-transaction\nCREATE TABLE c (id int);");
		SqlScript copy = SqlScript.parse("4_d.sql", "COPY a FROM stdin;\n1\n\\.\n");
		SqlScript otherTimeout = SqlScript.parse("5_e.sql", "-- cairn:lock-timeout=5s\nCREATE TABLE e (id int);");
		List<ResolvedMigration> migrations = List.of(resolved(plain), resolved(plain), resolved(select),
				resolved(plain), resolved(noTransaction), resolved(copy), resolved(plain), resolved(otherTimeout));
		List<SqlScript> scripts = List.of(plain, plain, select, plain, noTransaction, copy, plain, otherTimeout);
		assertThat(Pipeline.groupEnd(migrations, List.copyOf(scripts), 0)).isEqualTo(2);
		assertThat(Pipeline.groupEnd(migrations, List.copyOf(scripts), 2)).isEqualTo(2);
		assertThat(Pipeline.groupEnd(migrations, List.copyOf(scripts), 3)).isEqualTo(4);
		assertThat(Pipeline.groupEnd(migrations, List.copyOf(scripts), 4)).isEqualTo(4);
		assertThat(Pipeline.groupEnd(migrations, List.copyOf(scripts), 5)).isEqualTo(5);
		assertThat(Pipeline.groupEnd(migrations, List.copyOf(scripts), 6)).isEqualTo(7);
		assertThat(Pipeline.groupEnd(migrations, List.copyOf(scripts), 7)).isEqualTo(8);
	}

	private boolean isPostgres() {
		return "postgres"
			.equals(new JdbcTemplate(this.database.dataSource()).queryForObject("SELECT current_user", String.class));
	}

	private static ResolvedMigration resolved(SqlScript script) {
		return new ResolvedMigration(MigrationVersion.parse("1"), "x", MigrationType.SQL, script.name(), "test",
				script.text(), null, null, null);
	}

	private Migrator migrator(String scenario) {
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations("classpath:scenarios/" + scenario).build(), this.listener,
				List.of());
	}

}
