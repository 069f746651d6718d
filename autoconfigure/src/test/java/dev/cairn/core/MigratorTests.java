package dev.cairn.core;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The run end to end on real PostgreSQL, one fresh database per test, with the scenario
 * folders under {@code src/test/resources/scenarios}.
 */
class MigratorTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	void appliesEveryMigrationInOrderWithItsHistoryRow() {
		MigrateResult result = migrator("valid").migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script)
			.containsExactly("001_create_users.sql", "002_add_email.sql", "003_seed_users.sql");
		assertThat(result.currentVersion()).isEqualTo("3");
		assertThat(jdbc().queryForObject("SELECT user_count()", Long.class)).isEqualTo(2);
		assertThat(jdbc().queryForList("SELECT name FROM users ORDER BY id", String.class)).containsExactly("Ada",
				"O'Brien; the second");
		List<Map<String, Object>> history = jdbc()
			.queryForList("SELECT installed_rank, version, description, type, script, checksum, success, "
					+ "installed_by FROM cairn_history ORDER BY installed_rank");
		assertThat(history).extracting(row -> row.get("version")).containsExactly("1", "2", "3");
		assertThat(history).extracting(row -> row.get("description"))
			.containsExactly("create users", "add email", "seed users");
		assertThat(history).extracting(row -> row.get("type")).containsOnly("SQL");
		assertThat(history).extracting(row -> row.get("success")).containsOnly(true);
		assertThat(history).extracting(row -> (String) row.get("checksum"))
			.allMatch(c -> c.matches("sha256:[0-9a-f]{64}"));
		assertThat(history.get(0).get("installed_by")).isEqualTo(this.database.username());
		assertThat(result.migrations()).extracting(MigrationInfo::state).containsOnly(MigrationState.APPLIED);
	}

	@Test
	void secondRunAppliesNothing() {
		migrator("valid").migrate();
		MigrateResult again = migrator("valid").migrate();
		assertThat(again.applied()).isEmpty();
		assertThat(again.currentVersion()).isEqualTo("3");
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isEqualTo(3);
	}

	@Test
	void infoShowsPendingBeforeTheFirstRunWithoutCreatingTheTable() {
		List<MigrationInfo> info = migrator("valid").info();
		assertThat(info).extracting(MigrationInfo::state).containsOnly(MigrationState.PENDING);
		assertThat(jdbc().queryForObject("SELECT to_regclass('cairn_history') IS NULL", Boolean.class)).isTrue();
	}

	@Test
	void refusesToRunWhenAnAppliedFileWasModified() {
		migrator("modified/before").migrate();
		Migrator after = migrator("modified/after");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(after::migrate)
			.withMessageStartingWith("Nothing was applied. Migration 002_add_email.sql (version 2) was changed after "
					+ "it was applied: it was applied with checksum sha256:")
			.withMessageContaining(", the file now has sha256:")
			.withMessageContaining("run repair to accept its checksum (repair runs none of it)");
		assertThat(after.info()).extracting(MigrationInfo::state)
			.containsExactly(MigrationState.APPLIED, MigrationState.MODIFIED);
	}

	@Test
	void refusesToRunWhenAnAppliedFileIsMissing() {
		migrator("missing/before").migrate();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator("missing/after")::migrate)
			.withMessageContaining("Migration 002_add_email.sql (version 2) was applied on ")
			.withMessageContaining("but its file is gone from [classpath:scenarios/missing/after]. Restore the file, "
					+ "or set cairn.ignore-missing=true if it was removed on purpose.");
		MigrateResult tolerated = migrator("missing/after", MigratorSettings.builder().ignoreMissing(true)).migrate();
		assertThat(tolerated.applied()).isEmpty();
		assertThat(tolerated.migrations()).extracting(MigrationInfo::state)
			.containsExactly(MigrationState.APPLIED, MigrationState.MISSING, MigrationState.APPLIED);
	}

	@Test
	void toleratesVersionsAboveEveryFileAsAppliedByANewerRelease() {
		migrator("valid").migrate();
		MigrateResult older = migrator("future").migrate();
		assertThat(older.applied()).isEmpty();
		assertThat(older.migrations()).extracting(MigrationInfo::state)
			.containsExactly(MigrationState.APPLIED, MigrationState.FUTURE, MigrationState.FUTURE);
	}

	@Test
	void refusesAPendingVersionBelowTheHighestAppliedUnlessOutOfOrderIsAllowed() {
		migrator("out-of-order/before").migrate();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator("out-of-order/after")::migrate)
			.withMessage("Nothing was applied. Migration 002_teams.sql (version 2) is pending, but version 3 is "
					+ "already applied. Renumber it above 3, or set cairn.out-of-order=true to apply it anyway.");
		assertThat(tableExists("teams")).isFalse();
		MigrateResult allowed = migrator("out-of-order/after", MigratorSettings.builder().outOfOrder(true)).migrate();
		assertThat(allowed.applied()).extracting(MigrateResult.Applied::script).containsExactly("002_teams.sql");
		assertThat(tableExists("teams")).isTrue();
	}

	@Test
	void failureInTheThirdStatementLeavesNothingOfThatFileAndKeepsTheEarlierOnes() {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator("failure-in-third-statement")::migrate)
			.satisfies(ex -> {
				assertThat(ex.getScript()).isEqualTo("003_findings.sql");
				assertThat(ex.getLine()).isEqualTo(5);
				assertThat(ex.getColumn()).isEqualTo(7);
				assertThat(ex.getSqlState()).isEqualTo("42601");
			})
			.withMessage(
					"""
							Migration 003_findings.sql failed at line 5, column 7: syntax error at or near "TABL" (SQLSTATE 42601)
							   5 | ALTER TABL findings ADD COLUMN confidence numeric;
							     |       ^
							Nothing from this migration was applied; the 2 migration(s) applied before it in this run stay \
							applied. Fix the file and restart.""");
		assertThat(tableExists("findings")).isFalse();
		assertThat(tableExists("users")).isTrue();
		assertThat(jdbc().queryForList("SELECT script FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("001_create_users.sql", "002_add_email.sql");
	}

	@Test
	void runsANoTransactionMigrationStatementByStatement() {
		MigrateResult result = migrator("no-transaction-index").migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::type)
			.containsExactly(MigrationType.SQL, MigrationType.SQL_NO_TX);
		assertThat(jdbc().queryForObject("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_name'::regclass",
				Boolean.class))
			.isTrue();
		assertThat(jdbc().queryForObject("SELECT type FROM cairn_history WHERE version = '2'", String.class))
			.isEqualTo("SQL_NO_TX");
	}

	@Test
	void refusesAConcurrentIndexBuildWithoutTheDirectiveBeforeAnythingRuns() {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator("cic-without-directive")::migrate)
			.withMessageStartingWith("Migration 002_users_name_index.sql, line 2, column 1: CREATE INDEX CONCURRENTLY "
					+ "cannot run inside a transaction.")
			.withMessageContaining("-- cairn:no-transaction");
		assertThat(tableExists("users")).isFalse();
	}

	@Test
	void runsFilesWrappedInBeginAndCommitInsideItsOwnTransaction() {
		MigrateResult result = migrator("psql-wrapped").migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::type)
			.containsExactly(MigrationType.SQL, MigrationType.SQL);
		assertThat(tableExists("analysis_jobs")).isTrue();
		assertThat(tableExists("vm_pool_leases")).isTrue();
		// Each file's objects and its history row were written by one transaction: the
		// file's own COMMIT did not end Cairn's transaction early.
		assertThat(jdbc().queryForList("SELECT h.version || ' ' || (h.xmin = c.xmin) FROM cairn_history h "
				+ "JOIN pg_class c ON c.relname = CASE h.version WHEN '1' THEN 'analysis_jobs_status' ELSE 'vm_pool_leases' "
				+ "END ORDER BY h.version", String.class))
			.containsExactly("1 true", "2 true");
		assertThat(jdbc().queryForObject("SELECT count(DISTINCT xmin::text) FROM cairn_history", Integer.class))
			.as("one transaction per file")
			.isEqualTo(2);
	}

	@Test
	void runsPgDumpOutputWithCopyData() {
		migrator("pg-dump").migrate();
		assertThat(jdbc().queryForList("SELECT name FROM public.projects ORDER BY id", String.class))
			.containsExactly("vega", "tab\tand\\backslash", "semi;colon 'quoted'");
		assertThat(jdbc().queryForList("SELECT evidence FROM public.findings ORDER BY id", String.class))
			.containsExactly("line1\nline2", null, "\\.", "$$ not a quote $$");
		assertThat(jdbc().queryForObject("SELECT title FROM public.findings WHERE id = 4", String.class))
			.isEqualTo("Unicode ✓ 😀");
		assertThat(jdbc().queryForObject("SELECT nextval('public.projects_id_seq')", Long.class)).isEqualTo(4);
	}

	@Test
	void refusesPsqlMetaCommandsNamingFileAndLine() {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator("psql-meta")::migrate)
			.withMessageStartingWith("Migration 002_include.sql, line 3, column 1: psql meta-command \\i is not SQL.");
		assertThat(tableExists("users")).isFalse();
	}

	@Test
	void appliesEmptyAndCommentOnlyFilesAsMigrationsThatDoNothing() {
		MigrateResult result = migrator("empty").migrate();
		assertThat(result.applied()).hasSize(2);
		assertThat(result.currentVersion()).isEqualTo("2");
	}

	@Test
	void sessionSettingsOfOneMigrationDoNotLeakIntoTheNext() {
		migrator("search-path").migrate();
		assertThat(jdbc().queryForObject("SELECT to_regclass('public.in_public') IS NOT NULL", Boolean.class)).isTrue();
		assertThat(jdbc().queryForObject("SELECT to_regclass('elsewhere.inside_elsewhere') IS NOT NULL", Boolean.class))
			.isTrue();
		Map<String, Object> seen = jdbc().queryForMap("SELECT * FROM public.seen_settings");
		assertThat(seen.get("search_path")).isEqualTo("\"$user\", public");
		assertThat(seen.get("statement_timeout")).isEqualTo("0");
	}

	@Test
	void aFileWithBomAndCrlfHasTheChecksumOfItsLfTwin() {
		migrator("bom-crlf/bom").migrate();
		MigrateResult twin = migrator("bom-crlf/lf").migrate();
		assertThat(twin.applied()).isEmpty();
		assertThat(twin.migrations()).extracting(MigrationInfo::state).containsExactly(MigrationState.APPLIED);
	}

	@Test
	void keepsHistoryInAConfiguredSchema() {
		migrator("valid", MigratorSettings.builder().table("audit.migrations")).migrate();
		assertThat(jdbc().queryForObject("SELECT count(*) FROM audit.migrations", Integer.class)).isEqualTo(3);
	}

	@Test
	void twoMigratorsStartedTogetherApplyEveryMigrationOnce() throws Exception {
		int instances = 4;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(instances);
		try {
			List<Callable<MigrateResult>> runs = new ArrayList<>();
			for (int i = 0; i < instances; i++) {
				runs.add(() -> {
					start.await();
					return migrator("many").migrate();
				});
			}
			List<Future<MigrateResult>> futures = new ArrayList<>();
			for (Callable<MigrateResult> run : runs) {
				futures.add(pool.submit(run));
			}
			start.countDown();
			int applied = 0;
			for (Future<MigrateResult> future : futures) {
				applied += future.get(2, TimeUnit.MINUTES).applied().size();
			}
			assertThat(applied).isEqualTo(30);
			assertThat(futures.stream().map(this::lockWait).filter((wait) -> wait.toMillis() > 50))
				.as("the instances met at the lock: at least one polled for it while another held it")
				.isNotEmpty();
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isEqualTo(30);
		assertThat(jdbc().queryForObject("SELECT count(DISTINCT version) FROM cairn_history", Integer.class))
			.isEqualTo(30);
	}

	@Test
	void aConcurrentIndexBuildCompletesWhileAnotherMigratorWaitsForTheLock() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			Future<MigrateResult> first = pool.submit(() -> migrator("slow-index").migrate());
			waitUntilLocked();
			Future<MigrateResult> second = pool.submit(() -> migrator("slow-index").migrate());
			MigrateResult firstResult = first.get(2, TimeUnit.MINUTES);
			MigrateResult secondResult = second.get(2, TimeUnit.MINUTES);
			assertThat(firstResult.applied()).hasSize(2);
			assertThat(secondResult.applied()).isEmpty();
			assertThat(secondResult.lockWait()).as("the second waited for the lock while the build ran")
				.isGreaterThan(java.time.Duration.ofMillis(100));
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(jdbc().queryForObject("SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind'::regclass",
				Boolean.class))
			.isTrue();
	}

	@Test
	void givesUpWaitingForTheLockNamingItsHolder() throws Exception {
		try (Connection holder = this.database.connect(); Statement statement = holder.createStatement()) {
			statement.execute("SET application_name = 'other-instance'");
			statement.execute("SELECT pg_advisory_lock(" + AdvisoryLock.keyFor("cairn_history") + ")");
			Migrator migrator = migrator("valid",
					MigratorSettings.builder().lockWaitTimeout(java.time.Duration.ofMillis(600)));
			assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator::migrate)
				.withMessageStartingWith("Could not take the migration lock for cairn_history within 600 ms: another "
						+ "session holds it, pid ")
				.withMessageContaining("application_name 'other-instance'")
				.withMessageContaining("SELECT pg_terminate_backend(");
		}
		assertThat(tableExists("users")).isFalse();
	}

	@Test
	void refusesADatabaseThatRefusesWritesBeforeTakingTheLock() {
		jdbc().execute("ALTER DATABASE " + this.database.name() + " SET default_transaction_read_only = on");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> new Migrator(this.database.dataSource(),
					MigratorSettings.builder().locations("classpath:scenarios/valid").build())
				.migrate())
			.withMessageMatching("The database refuses writes \\(server (?:[\\d.:]+|the local socket), "
					+ "transaction_read_only is on, for example through default_transaction_read_only\\)\\. Nothing "
					+ "was applied\\. Point cairn\\.url at a primary that accepts writes, or turn "
					+ "default_transaction_read_only off for the migration user\\.");
		assertThat(jdbc().queryForObject("SELECT to_regclass('cairn_history') IS NULL", Boolean.class)).isTrue();
	}

	private java.time.Duration lockWait(Future<MigrateResult> future) {
		try {
			return future.get().lockWait();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void waitUntilLocked() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			Integer locks = jdbc()
				.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
						+ "(SELECT oid FROM pg_database WHERE datname = current_database())", Integer.class);
			if (locks != null && locks > 0) {
				return;
			}
			Thread.sleep(10);
		}
		throw new AssertionError("The first migrator never took the lock");
	}

	private boolean tableExists(String name) {
		return Boolean.TRUE.equals(jdbc().queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, name));
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

	private Migrator migrator(String scenario) {
		return migrator(scenario, MigratorSettings.builder());
	}

	private Migrator migrator(String scenario, MigratorSettings.Builder builder) {
		DataSource dataSource = this.database.dataSource();
		return new Migrator(dataSource, builder.locations("classpath:scenarios/" + scenario).build());
	}

	private MigratorSettings.Builder settings(String scenario) {
		return MigratorSettings.builder().locations("classpath:scenarios/" + scenario);
	}

}
