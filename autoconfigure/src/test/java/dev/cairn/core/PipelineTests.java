package dev.cairn.core;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
	@ExtendWith(OutputCaptureExtension.class)
	void aLockTimeoutInTheMiddleOfAGroupRetriesThatFileAloneAndKeepsTheOnesBeforeIt(CapturedOutput output)
			throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		jdbc.execute("CREATE TABLE accounts (id int PRIMARY KEY)");
		Migrator migrator = new Migrator(this.database.dataSource(),
				MigratorSettings.builder()
					.locations("classpath:scenarios/pipeline-lock-timeout")
					.lockTimeout(Duration.ofMillis(300))
					.lockRetries(1)
					.build(),
				this.listener, List.of());
		try (Connection report = this.database.connect(); Statement statement = report.createStatement()) {
			report.setAutoCommit(false);
			statement.execute("SELECT count(*) FROM accounts");
			assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator::migrate)
				.withMessageStartingWith("""
						Migration 002_accounts_note.sql failed at line 2, column 1: canceling statement due to lock \
						timeout (SQLSTATE 55P03)
						   2 | ALTER TABLE accounts ADD COLUMN note text;
						     | ^
						It waited for a lock longer than lock_timeout 2 time(s).""")
				.withMessageContaining("Nothing from this migration was applied; the 1 migration(s) applied before "
						+ "it in this run stay applied.");
			report.rollback();
		}
		assertThat(output).containsOnlyOnce("Migration 002_accounts_note.sql gave up waiting for a lock after "
				+ "lock_timeout 300 ms (attempt 1 of 2");
		assertThat(jdbc.queryForList("SELECT script FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("001_audit.sql");
		assertThat(this.applied).containsExactly("001_audit.sql");
		assertThat(jdbc.queryForObject(
				"SELECT to_regclass('after_the_wait') IS NULL AND to_regclass('audit') " + "IS NOT NULL",
				Boolean.class))
			.isTrue();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM information_schema.columns WHERE table_name = "
				+ "'accounts' AND column_name = 'note'", Integer.class))
			.isZero();
	}

	@Test
	void aGroupWhoseLockSessionEndsCommitsNothingMore() {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator("pipeline-lost-lock")::migrate)
			.withMessage("Lost the migration lock before recording 002_end_the_lock_session.sql: the lock's session "
					+ "ended (was it terminated?). Nothing of 002_end_the_lock_session.sql was committed, so that two "
					+ "instances never migrate at once. Restart to continue.");
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		assertThat(jdbc.queryForList("SELECT script FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("001_before.sql");
		assertThat(jdbc.queryForObject(
				"SELECT to_regclass('before_the_loss') IS NOT NULL AND "
						+ "to_regclass('never_committed') IS NULL AND to_regclass('after_the_loss') IS NULL",
				Boolean.class))
			.isTrue();
		assertThat(this.applied).containsExactly("001_before.sql");
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
