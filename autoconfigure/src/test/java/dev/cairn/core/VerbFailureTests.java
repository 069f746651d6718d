package dev.cairn.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.PostgresClient;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rollback, repair and baseline when something fails under them on the real server: the
 * working session terminated, the lock's session terminated, a down file failing halfway,
 * the JVM killed. Each leaves the schema, the rows and the history exactly as they were,
 * or exactly as the message says, which is pinned word for word.
 */
@Tag(PostgresClient.TAG)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class VerbFailureTests {

	private static final String LOCK_PID = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
			+ "database = (SELECT oid FROM pg_database WHERE datname = current_database())";

	private static final String SLEEP_LINE = "SELECT pg_sleep(coalesce(current_setting('cairn_test.sleep', true), "
			+ "'0')::float8);";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	@Test
	void aRollbackWhoseSessionIsTerminatedInItsDownFileLeavesTheMigrationApplied() throws Exception {
		migrator("verb-failure", 0).migrate();
		State before = state();
		CompletableFuture<MigrateResult> rollback = inBackground(migrator("verb-failure", 30),
				(migrator) -> migrator.rollbackLast(1));
		terminate(waitForSleep());
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(rollback))
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("002_audit.down.sql"))
			.satisfies((ex) -> assertThat(ex.getSqlState()).isEqualTo("57P01"))
			.withMessage("Migration 002_audit.down.sql failed at line 3, column 1: terminating connection due to "
					+ "administrator command (SQLSTATE 57P01)\n   3 | " + SLEEP_LINE + "\n     | ^\n"
					+ "This migration is still applied. The database ended the session (pg_terminate_backend, a "
					+ "restart or a lost connection); the file is not at fault. Restart to try again.");
		assertThat(state()).isEqualTo(before);
		assertThat(advisoryLocks()).isZero();
	}

	@Test
	void aRollbackThatLosesTheLockDuringItsDownFileCommitsNothing() throws Exception {
		migrator("verb-failure", 0).migrate();
		State before = state();
		CompletableFuture<MigrateResult> rollback = inBackground(migrator("verb-failure", 2),
				(migrator) -> migrator.rollbackLast(1));
		waitForSleep();
		terminateLockSession();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(rollback))
			.withMessage("Lost the migration lock before recording 002_audit.down.sql: the lock's session ended (was "
					+ "it terminated?). Nothing of 002_audit.down.sql was committed, so that two instances never "
					+ "migrate at once. Restart to continue.");
		assertThat(state()).isEqualTo(before);
	}

	/**
	 * A down file that fails in its second statement, after its first one dropped an
	 * index, in a rollback that already undid a newer migration: the failing one stays
	 * applied with its index, the newer one stays undone, and the database is exactly the
	 * one a migration to version 2 builds.
	 */
	@Test
	void aDownFileThatFailsHalfwayKeepsItsMigrationAppliedAndTheOnesUndoneBeforeItUndone() throws Exception {
		migrator("rollback-failing-down", 0, "2").migrate();
		State atVersionTwo = state();
		migrator("rollback-failing-down", 0).migrate();
		assertThat(columns("accounts")).containsExactly("id", "name", "email");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator("rollback-failing-down", 0).rollbackAll())
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("002_audit.down.sql"))
			.satisfies((ex) -> assertThat(ex.getLine()).isEqualTo(2))
			.satisfies((ex) -> assertThat(ex.getSqlState()).isEqualTo("42703"))
			.withMessage("Migration 002_audit.down.sql failed at line 2, column 1: column \"acount\" of relation "
					+ "\"audit\" does not exist (SQLSTATE 42703)\n   2 | ALTER TABLE audit DROP COLUMN acount;\n"
					+ "     | ^\nThis migration is still applied; the 1 migration(s) undone before it stay undone. "
					+ "Fix the down file and run the rollback again.");
		State after = state();
		assertThat(after.schema()).as("schema: 003 undone, 002 with its index").isEqualTo(atVersionTwo.schema());
		assertThat(after.data()).isEqualTo(atVersionTwo.data());
		assertThat(jdbc().queryForList("SELECT type || ' ' || script FROM cairn_history ORDER BY installed_rank",
				String.class))
			.containsExactly("SQL 001_accounts.sql", "SQL 002_audit.sql", "SQL 003_accounts_email.sql",
					"ROLLBACK 003_accounts_email.down.sql");
		assertThat(migrator("rollback-failing-down", 0).info()).extracting(MigrationInfo::state)
			.as("003 is pending again")
			.containsExactly(MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.PENDING);
	}

	@Test
	void aRepairWhoseSessionIsTerminatedKeepsTheFailedRowAndSaysWhatRan() throws Exception {
		State before = failedNoTransactionMigration();
		CompletableFuture<List<RepairAction>> repair = inBackground(migrator("repair-interrupted", 30),
				Migrator::repair);
		terminate(waitForSleep());
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(repair))
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("002_ledger_archive.sql"))
			.withMessage("Migration 002_ledger_archive.sql failed at line 5, column 1: terminating connection due to "
					+ "administrator command (SQLSTATE 57P01)\n   5 | " + SLEEP_LINE + "\n     | ^\n"
					+ "This migration runs outside a transaction: 2 of its 4 statements ran and stay applied, and "
					+ "the failure could not be recorded (the connection or the migration lock was lost), so the "
					+ "history still records it as failed at statement 2, as before this repair, and the next repair "
					+ "runs statement 2 again: check what it did first. The database ended the session "
					+ "(pg_terminate_backend, a restart or a lost connection); the file is not at fault. Restart to "
					+ "try again.");
		assertRepairStoppedAfterStatementTwo(before);
		assertThat(advisoryLocks()).isZero();
	}

	@Test
	void aRepairThatLosesTheLockStopsBeforeItsNextStatementAndRecordsNothing() throws Exception {
		State before = failedNoTransactionMigration();
		CompletableFuture<List<RepairAction>> repair = inBackground(migrator("repair-interrupted", 2),
				Migrator::repair);
		waitForSleep();
		terminateLockSession();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(repair))
			.withMessage("Lost the migration lock while running 002_ledger_archive.sql: the lock's session ended (was "
					+ "it terminated?). This migration runs outside a transaction: 3 of its 4 statements ran and stay "
					+ "applied; the rest did not run and nothing was recorded, so that two instances never migrate "
					+ "at once. The history still records it as failed at statement 2, as before this repair, and the "
					+ "next repair runs statements 2-3 again: check what they did first, then run repair again.");
		assertRepairStoppedAfterStatementTwo(before);
	}

	@Test
	void aBaselineWhoseSessionIsTerminatedRecordsNothing() throws Exception {
		CompletableFuture<MigrationInfo> baseline;
		try (Connection blocker = historyLockedByAnotherSession()) {
			baseline = inBackground(emptyMigrator(), (m) -> m.baseline("7"));
			terminate(waitForLockWait());
		}
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(baseline))
			.satisfies((ex) -> assertThat(ex.getSqlState()).isEqualTo("57P01"))
			.withMessage("Migration run against the database failed: FATAL: terminating connection due to "
					+ "administrator command (SQLSTATE 57P01). The database ended the session "
					+ "(pg_terminate_backend or a restart); the history table shows what was recorded before "
					+ "it did. Restart to try again.");
		assertThat(history()).isEqualTo("[]");
		assertThat(advisoryLocks()).isZero();
	}

	@Test
	void aBaselineThatLosesTheLockRecordsNothing() throws Exception {
		CompletableFuture<MigrationInfo> baseline;
		try (Connection blocker = historyLockedByAnotherSession()) {
			baseline = inBackground(emptyMigrator(), (m) -> m.baseline("7"));
			waitForLockWait();
			terminateLockSession();
		}
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(baseline))
			.withMessage("Lost the migration lock: its session ended (was it terminated?). Nothing more was recorded, "
					+ "so that two instances never migrate at once. Restart to continue.");
		assertThat(history()).isEqualTo("[]");
	}

	/**
	 * A JVM killed with SIGKILL while its rollback runs a down file: the migration stays
	 * applied with everything it made, no lock is left, and the next rollback undoes it
	 * exactly once.
	 */
	@Test
	void aRollbackKilledInItsDownFileLeavesTheMigrationAppliedAndTheNextOneUndoesItOnce() throws Exception {
		migrator("verb-failure", 0).migrate();
		State before = state();
		Path log = this.folder.resolve("doomed.log");
		Process instance = startRollback("1", "doomed", log);
		waitForSleep(instance, log);
		List<Integer> sessions = jdbc().queryForList(
				"SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
						+ "AND (application_name = 'doomed' OR application_name LIKE ?)",
				Integer.class, "cairn %/" + instance.pid());
		assertThat(instance.toHandle().destroyForcibly()).isTrue();
		assertThat(instance.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(instance.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
		waitUntilGone(sessions);
		assertThat(advisoryLocks()).isZero();
		assertThat(state()).isEqualTo(before);

		MigrateResult next = migrator("verb-failure", 0).rollback("1");
		assertThat(next.applied()).extracting(MigrateResult.Applied::script).containsExactly("002_audit.down.sql");
		assertThat(jdbc().queryForObject("SELECT to_regclass('audit') IS NULL", Boolean.class)).isTrue();
		assertThat(jdbc().queryForList("SELECT type || ' ' || script FROM cairn_history ORDER BY installed_rank",
				String.class))
			.containsExactly("SQL 001_accounts.sql", "SQL 002_audit.sql", "ROLLBACK 002_audit.down.sql");
	}

	/**
	 * Applies 001 and fails 002 at its second statement (a table it reads is missing),
	 * then creates that table: what a repair starts from.
	 */
	private State failedNoTransactionMigration() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator("repair-interrupted", 0).migrate())
			.withMessageContaining("relation \"ledger_feed\" does not exist");
		assertThat(jdbc().queryForMap("SELECT success, statements_done FROM cairn_history WHERE version = '2'"))
			.containsEntry("success", false)
			.containsEntry("statements_done", 1);
		jdbc().execute("CREATE TABLE ledger_feed (id int PRIMARY KEY); INSERT INTO ledger_feed VALUES (1), (2)");
		return state();
	}

	/**
	 * The documented result of a repair stopped after it ran statement 2 of 002: the
	 * schema and the history as before, and the rows statement 2 copied, which stay.
	 */
	private void assertRepairStoppedAfterStatementTwo(State before) {
		State after = state();
		assertThat(after.schema()).isEqualTo(before.schema());
		assertThat(after.history()).isEqualTo(before.history());
		assertThat(jdbc().queryForList("SELECT id FROM ledger_archive ORDER BY id", Integer.class))
			.as("statement 2 ran outside a transaction and stays")
			.containsExactly(1, 2);
		assertThat(jdbc().queryForObject("SELECT to_regclass('ledger_done') IS NULL", Boolean.class)).isTrue();
	}

	/**
	 * Creates the (empty) history table, then holds an exclusive lock on it in an open
	 * transaction, so that a verb's working session waits on it while reading the
	 * history, after it took the migration lock. Closing the connection ends the wait.
	 */
	private Connection historyLockedByAnotherSession() throws Exception {
		emptyMigrator().migrate();
		Connection connection = this.database.connect();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("LOCK TABLE cairn_history IN ACCESS EXCLUSIVE MODE");
		}
		return connection;
	}

	private Migrator emptyMigrator() throws Exception {
		Path empty = Files.createDirectories(this.folder.resolve("empty"));
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations(Instances.location(empty)).build());
	}

	private Migrator migrator(String scenario, int sleepSeconds) {
		return migrator(scenario, sleepSeconds, null);
	}

	private Migrator migrator(String scenario, int sleepSeconds, String target) {
		PGSimpleDataSource dataSource = (PGSimpleDataSource) this.database.dataSource();
		dataSource.setOptions("-c cairn_test.sleep=" + sleepSeconds);
		return new Migrator(dataSource,
				MigratorSettings.builder().locations("classpath:scenarios/" + scenario).target(target).build());
	}

	private static <T> CompletableFuture<T> inBackground(Migrator migrator, Function<Migrator, T> verb) {
		return CompletableFuture.supplyAsync(() -> verb.apply(migrator));
	}

	private Process startRollback(String target, String name, Path output) throws Exception {
		StringBuilder url = new StringBuilder(this.database.url());
		url.append(url.indexOf("?") >= 0 ? '&' : '?').append("options=").append(encode("-c cairn_test.sleep=600"));
		if (this.database.username() != null) {
			url.append("&user=").append(encode(this.database.username()));
		}
		if (this.database.password() != null) {
			url.append("&password=").append(encode(this.database.password()));
		}
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), VerbLauncher.class.getName(), url.toString(),
				"classpath:scenarios/verb-failure", name, "rollback:" + target));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	private int waitForSleep() {
		return waitForSleep(null, null);
	}

	/**
	 * Waits until a session of the database sleeps in a down file or a resumed statement,
	 * and returns its pid.
	 */
	private int waitForSleep(Process instance, Path log) {
		return Sessions.await(jdbc(), Sessions.SLEEPING, () -> instance == null || instance.isAlive(),
				() -> "No session reached its pg_sleep"
						+ ((log != null) ? "; the instance printed:\n" + read(log) : ""));
	}

	/**
	 * Waits until a session of the database waits for a lock on a relation, and returns
	 * its pid.
	 */
	private int waitForLockWait() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			List<java.util.Map<String, Object>> waiting = jdbc().queryForList("SELECT pid, application_name, query "
					+ "FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND "
					+ "wait_event = 'relation'");
			if (!waiting.isEmpty()) {
				return (Integer) waiting.get(0).get("pid");
			}
			sleep(20);
		}
		throw new AssertionError("No session waited for the history table's lock");
	}

	private void terminate(int pid) {
		assertThat(jdbc().queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid)).isTrue();
	}

	private void terminateLockSession() {
		List<Integer> pids = jdbc().queryForList(LOCK_PID, Integer.class);
		assertThat(pids).hasSize(1);
		terminate(pids.get(0));
		waitUntilGone(pids);
	}

	private void waitUntilGone(List<Integer> pids) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (jdbc().queryForObject("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (?)", Integer.class,
				(Object) pids.toArray(new Integer[0])) > 0) {
			assertThat(System.nanoTime()).as("the sessions " + pids + " are gone").isLessThan(deadline);
			sleep(20);
		}
	}

	private static <T> T join(CompletableFuture<T> run) throws Throwable {
		try {
			return run.get(1, TimeUnit.MINUTES);
		}
		catch (ExecutionException ex) {
			throw ex.getCause();
		}
	}

	/**
	 * The schema ({@code pg_dump --schema-only}), every row outside the history, and the
	 * history rows as they are.
	 */
	private State state() {
		String data = PostgresClient.dump(this.database, "--data-only")
			.lines()
			.filter((line) -> !line.startsWith("SELECT pg_catalog.setval("))
			.collect(java.util.stream.Collectors.joining("\n"));
		return new State(PostgresClient.schema(this.database), data, history());
	}

	private String history() {
		return jdbc().queryForObject(
				"SELECT coalesce(json_agg(h ORDER BY installed_rank)::text, '[]') FROM " + "cairn_history h",
				String.class);
	}

	private List<String> columns(String table) {
		return jdbc().queryForList("SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND "
				+ "NOT attisdropped ORDER BY attnum", String.class, table);
	}

	private int advisoryLocks() {
		return jdbc().queryForObject(LOCK_PID.replace("SELECT pid", "SELECT count(*)"), Integer.class);
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

	private static String read(Path log) {
		try {
			return Files.readString(log);
		}
		catch (java.io.IOException ex) {
			return "(" + ex.getMessage() + ")";
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	record State(String schema, String data, String history) {

	}

}
