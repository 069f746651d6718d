package dev.cairn.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code pg_terminate_backend} on either of a run's two sessions: on the working one, the
 * migration fails clearly and leaves nothing; on the lock's, the run stops before it
 * records or starts another migration, so two instances never migrate at once.
 */
// A broken lock_timeout leaves the test blocked in a socket read, which an interrupt
// cannot
// end: the test runs on a thread of its own, so the timeout fails it.
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = ThreadMode.SEPARATE_THREAD)
class BackendTerminationTests {

	private static final String LOCK_PID = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
			+ "database = (SELECT oid FROM pg_database WHERE datname = current_database())";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	void terminatingTheWorkingConnectionMidMigrationFailsClearlyAndLeavesNothing() throws Exception {
		CompletableFuture<MigrateResult> run = migrateInBackground("terminate", 30, MigrationListener.NONE);
		int working = waitForSleepingMigration();
		jdbc().queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, working);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(run))
			.satisfies((ex) -> assertThat(ex.getSqlState()).as(ex.getMessage()).isEqualTo("57P01"))
			.withMessageStartingWith("Migration 001_sleepy.sql failed at line 3, column 1: terminating connection due "
					+ "to administrator command (SQLSTATE 57P01)")
			.withMessageEndingWith("Nothing from this migration was applied. The database ended the session "
					+ "(pg_terminate_backend, a restart or a lost connection); the file is not at fault. Restart to "
					+ "try again.");
		assertThat(tableExists("sleepy")).isFalse();
		assertThat(history()).isEmpty();
		assertThat(advisoryLocks()).isZero();
	}

	@Test
	void terminatingTheLockDuringATransactionalMigrationKeepsItFromCommitting() throws Exception {
		CompletableFuture<MigrateResult> run = migrateInBackground("terminate", 2, MigrationListener.NONE);
		waitForSleepingMigration();
		terminateLockSession();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(run))
			.withMessage("Lost the migration lock before recording 001_sleepy.sql: the lock's session ended (was it "
					+ "terminated?). Nothing of 001_sleepy.sql was committed, so that two instances never migrate at "
					+ "once. Restart to continue.");
		assertThat(tableExists("sleepy")).isFalse();
		assertThat(history()).isEmpty();
	}

	@Test
	void terminatingTheLockBetweenMigrationsStopsTheRunBeforeTheNextOneCommits() throws Exception {
		CompletableFuture<MigrateResult> run = migrateInBackground("terminate", 0, terminateLockAfterFirst());
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(run))
			.withMessageStartingWith("Lost the migration lock before recording 002_next.sql");
		assertThat(history()).containsExactly("001_sleepy.sql");
		assertThat(tableExists("next_one")).isFalse();
	}

	@Test
	void terminatingTheLockBeforeANoTransactionMigrationStopsTheRunBeforeItStarts() throws Exception {
		CompletableFuture<MigrateResult> run = migrateInBackground("terminate-no-tx", 0, terminateLockAfterFirst());
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(run))
			.withMessageStartingWith("Lost the migration lock before recording 002_around_sleep.sql");
		assertThat(history()).containsExactly("001_first.sql");
		assertThat(tableExists("before_sleep")).isFalse();
	}

	@Test
	void terminatingTheLockDuringANoTransactionMigrationStopsItBeforeItsNextStatement() throws Exception {
		CompletableFuture<MigrateResult> run = migrateInBackground("terminate-no-tx", 2, MigrationListener.NONE);
		waitForSleepingMigration();
		terminateLockSession();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(run))
			.withMessage("Lost the migration lock while running 002_around_sleep.sql: the lock's session ended (was "
					+ "it terminated?). This migration runs outside a transaction: 2 of its 3 statements ran and stay "
					+ "applied; the rest did not run and nothing was recorded, so that two instances never migrate "
					+ "at once. Check what those statements did, then restart.");
		assertThat(tableExists("before_sleep")).as("ran before the lock was lost, outside a transaction").isTrue();
		assertThat(tableExists("after_sleep")).isFalse();
		assertThat(history()).containsExactly("001_first.sql");
	}

	@Test
	void terminatingTheWorkingConnectionDuringANoTransactionMigrationSaysTheFailureWasNotRecorded() throws Exception {
		CompletableFuture<MigrateResult> run = migrateInBackground("terminate-no-tx", 30, MigrationListener.NONE);
		int working = waitForSleepingMigration();
		jdbc().queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, working);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> join(run))
			.withMessageStartingWith("Migration 002_around_sleep.sql failed at line 3, column 1: terminating "
					+ "connection due to administrator command (SQLSTATE 57P01)")
			.withMessageEndingWith("This migration runs outside a transaction: 1 of its 3 statements ran and stay "
					+ "applied, and the failure could not be recorded (the connection or the migration lock was "
					+ "lost), so the next run starts it again from statement 1: check what those statements did. The "
					+ "database ended the session (pg_terminate_backend, a restart or a lost connection); the file is "
					+ "not at fault. Restart to try again.");
		assertThat(tableExists("before_sleep")).isTrue();
		assertThat(tableExists("after_sleep")).isFalse();
		assertThat(history()).containsExactly("001_first.sql");
		assertThat(advisoryLocks()).isZero();
	}

	private MigrationListener terminateLockAfterFirst() {
		return new MigrationListener() {
			@Override
			public void migrationApplied(MigrateResult.Applied applied) {
				if (applied.script().startsWith("001")) {
					terminateLockSession();
				}
			}
		};
	}

	private void terminateLockSession() {
		List<Integer> pids = jdbc().queryForList(LOCK_PID, Integer.class);
		assertThat(pids).hasSize(1);
		jdbc().queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pids.get(0));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (jdbc().queryForObject("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", Integer.class,
				pids.get(0)) > 0) {
			assertThat(System.nanoTime()).as("the terminated lock session is gone").isLessThan(deadline);
			sleep(20);
		}
	}

	private CompletableFuture<MigrateResult> migrateInBackground(String scenario, int sleepSeconds,
			MigrationListener listener) {
		PGSimpleDataSource dataSource = (PGSimpleDataSource) this.database.dataSource();
		dataSource.setOptions("-c cairn_test.sleep=" + sleepSeconds);
		Migrator migrator = new Migrator(dataSource,
				MigratorSettings.builder().locations("classpath:scenarios/" + scenario).build(), listener, List.of());
		return CompletableFuture.supplyAsync(migrator::migrate);
	}

	private int waitForSleepingMigration() {
		return Sessions.await(jdbc(), Sessions.SLEEPING, () -> true, () -> "The migration never reached its pg_sleep");
	}

	private static MigrateResult join(CompletableFuture<MigrateResult> run) throws Throwable {
		try {
			return run.get(1, TimeUnit.MINUTES);
		}
		catch (ExecutionException ex) {
			throw ex.getCause();
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

	private List<String> history() {
		return jdbc().queryForList("SELECT script FROM cairn_history ORDER BY installed_rank", String.class);
	}

	private int advisoryLocks() {
		return jdbc().queryForObject(LOCK_PID.replace("SELECT pid", "SELECT count(*)"), Integer.class);
	}

	private boolean tableExists(String name) {
		return Boolean.TRUE.equals(jdbc().queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, name));
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
