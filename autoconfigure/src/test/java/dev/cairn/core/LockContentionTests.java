package dev.cairn.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A migration that needs a lock a long transaction holds: it gives up after
 * {@code lock_timeout}, retries, names the blocker, and never holds up the application's
 * readers for longer than {@code lock_timeout}; and a failed concurrent index build never
 * leaves its invalid index in the way of the next attempt.
 */
@ExtendWith(OutputCaptureExtension.class)
// A broken lock_timeout leaves the test blocked in a socket read, which an interrupt
// cannot
// end: the test runs on a thread of its own, so the timeout fails it.
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = ThreadMode.SEPARATE_THREAD)
class LockContentionTests {

	private static final Duration LOCK_TIMEOUT = Duration.ofMillis(300);

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	void givesUpAfterItsRetriesNamingTheBlockerWhileReadersWaitNoLongerThanTheLockTimeout(CapturedOutput output)
			throws Exception {
		migrator("lock-contention", LOCK_TIMEOUT, 2).migrate(); // 001 and 002, nothing in
																// the way
		jdbc().execute("ALTER TABLE accounts DROP COLUMN note; DELETE FROM cairn_history WHERE version = '2'");
		ExecutorService pool = Executors.newFixedThreadPool(1);
		AtomicBoolean reading = new AtomicBoolean(true);
		AtomicLong longestRead = new AtomicLong();
		try (Connection report = this.database.connect(); Statement statement = report.createStatement()) {
			statement.execute("SET application_name = 'monthly-report'");
			int reportPid = pid(report);
			report.setAutoCommit(false);
			statement.execute("SELECT count(*) FROM accounts");
			Future<Integer> reads = pool.submit(() -> readInALoop(reading, longestRead));
			long start = System.nanoTime();
			assertThatExceptionOfType(MigrationException.class)
				.isThrownBy(migrator("lock-contention", LOCK_TIMEOUT, 2)::migrate)
				.satisfies((ex) -> assertThat(ex.getSqlState()).isEqualTo("55P03"))
				.withMessageStartingWith("""
						Migration 002_accounts_note.sql failed at line 2, column 1: canceling statement due to lock \
						timeout (SQLSTATE 55P03)
						   2 | ALTER TABLE accounts ADD COLUMN note text;
						     | ^
						It waited for a lock longer than lock_timeout 3 time(s). It was blocked by pid %d (idle in \
						transaction, application_name 'monthly-report', transaction open for """.formatted(reportPid))
				.withMessageContaining(", last query: SELECT count(*) FROM accounts).\nNothing from this migration "
						+ "was applied. Let pid " + reportPid + " finish, or end it with SELECT pg_terminate_backend("
						+ reportPid + "), then restart (or raise cairn.lock-retry-budget to keep trying longer).");
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			reading.set(false);
			int readCount = reads.get(1, TimeUnit.MINUTES);
			report.rollback();
			assertThat(took).as("three attempts of 300 ms and two pauses").isGreaterThan(Duration.ofMillis(900));
			assertThat(readCount).isGreaterThan(3);
			assertThat(Duration.ofNanos(longestRead.get())).as("the longest a reader waited")
				.isLessThan(LOCK_TIMEOUT.plusMillis(700));
			for (int attempt = 1; attempt <= 2; attempt++) {
				assertThat(output).containsPattern("Migration 002_accounts_note.sql gave up waiting for a lock after "
						+ "lock_timeout 300 ms \\(attempt " + attempt + " of 3, \\d+ s of the 300 s retry budget "
						+ "spent\\)\\. It was blocked by pid " + reportPid + " \\(idle in transaction, "
						+ "application_name 'monthly-report'.*\\. Retrying in \\d+ ms\\.");
			}
		}
		finally {
			reading.set(false);
			pool.shutdownNow();
		}
		assertThat(columnExists("accounts", "note")).isFalse();
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history WHERE version = '2'", Integer.class))
			.isZero();
	}

	@Test
	void aNoTransactionStatementAlsoRetriesAndNamesTheBlocker() throws Exception {
		new Migrator(this.database.dataSource(), settings("lock-contention-no-tx", LOCK_TIMEOUT, 1).target("1").build())
			.migrate();
		try (Connection report = this.database.connect(); Statement statement = report.createStatement()) {
			int reportPid = pid(report);
			report.setAutoCommit(false);
			statement.execute("SELECT count(*) FROM accounts");
			assertThatExceptionOfType(MigrationException.class)
				.isThrownBy(migrator("lock-contention-no-tx", LOCK_TIMEOUT, 1)::migrate)
				.withMessageContaining("It waited for a lock longer than lock_timeout 2 time(s). It was blocked by pid "
						+ reportPid + " (idle in transaction, ")
				.withMessageEndingWith("This migration runs outside a transaction: 0 of its 1 statements ran and stay "
						+ "applied, and the history records it as failed at statement 1. Let pid " + reportPid
						+ " finish, or end it with SELECT pg_terminate_backend(" + reportPid + "), then restart (or "
						+ "raise cairn.lock-retry-budget to keep trying longer).");
			report.rollback();
		}
		assertThat(jdbc().queryForMap("SELECT success, statements_done FROM cairn_history WHERE version = '2'"))
			.containsEntry("success", false)
			.containsEntry("statements_done", 0);
	}

	@Test
	void succeedsOnARetryOnceTheBlockerFinishes(CapturedOutput output) throws Exception {
		migrator("lock-contention", LOCK_TIMEOUT, 0).migrate();
		jdbc().execute("ALTER TABLE accounts DROP COLUMN note; DELETE FROM cairn_history WHERE version = '2'");
		try (Connection report = this.database.connect(); Statement statement = report.createStatement()) {
			report.setAutoCommit(false);
			statement.execute("SELECT count(*) FROM accounts");
			CompletableFuture<Void> finish = CompletableFuture.runAsync(() -> rollbackAfter(report, 700));
			MigrateResult result = migrator("lock-contention", LOCK_TIMEOUT, 5).migrate();
			finish.get(1, TimeUnit.MINUTES);
			assertThat(result.applied()).extracting(MigrateResult.Applied::script)
				.containsExactly("002_accounts_note.sql");
		}
		assertThat(columnExists("accounts", "note")).isTrue();
		assertThat(output).as("it gave up at least once, and then succeeded on a retry")
			.contains(
					"Migration 002_accounts_note.sql gave up waiting for a lock after lock_timeout 300 ms (attempt 1 of 6");
	}

	@Test
	void repairRebuildsAUniqueIndexWhoseConcurrentBuildFailedOnDuplicates(CapturedOutput output) {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(migrator("invalid-unique-index", LOCK_TIMEOUT, 0)::migrate)
			.withMessageStartingWith("Migration 002_users_email.sql failed at line 2, column 1: could not create "
					+ "unique index \"users_email\" (SQLSTATE 23505)")
			.withMessageEndingWith("This migration runs outside a transaction: 0 of its 1 statements ran and stay "
					+ "applied, and the history records it as failed at statement 1. Fix the cause (edit statement 1 "
					+ "or a later one, or fix the database), then run repair: statement 1 of the file as it then "
					+ "stands will run.");
		assertThat(indexValid("users_email")).isFalse();
		assertThat(jdbc().queryForList("SELECT success, statements_done FROM cairn_history WHERE version = '2'"))
			.singleElement()
			.satisfies((row) -> assertThat(row).containsEntry("success", false).containsEntry("statements_done", 0));
		// The fix: remove the duplicate, then repair resumes the migration at its first
		// statement.
		jdbc().execute("DELETE FROM users WHERE id = 3");
		List<RepairAction> repaired = migrator("invalid-unique-index", LOCK_TIMEOUT, 0).repair();
		assertThat(repaired).extracting(RepairAction::script).containsExactly("002_users_email.sql");
		assertThat(migrator("invalid-unique-index", LOCK_TIMEOUT, 0).migrate().applied()).isEmpty();
		assertThat(indexValid("users_email")).as("IF NOT EXISTS must not keep the invalid index").isTrue();
		assertThat(output).contains("Index public.users_email on users is invalid: an earlier CREATE INDEX "
				+ "CONCURRENTLY of it failed. Dropping it (DROP INDEX CONCURRENTLY) so that it is built again.");
	}

	@Test
	void dropsTheInvalidIndexLeftByAConcurrentBuildThatHitTheLockTimeoutBeforeRetryingIt(CapturedOutput output)
			throws Exception {
		new Migrator(this.database.dataSource(),
				settings("invalid-index-lock-timeout", LOCK_TIMEOUT, 0).target("1").build())
			.migrate();
		try (Connection writer = this.database.connect(); Statement statement = writer.createStatement()) {
			// An open writing transaction: the build creates its (invalid) index, then
			// waits for this transaction.
			writer.setAutoCommit(false);
			statement.execute("INSERT INTO events (kind) VALUES ('late')");
			CompletableFuture<Void> finish = CompletableFuture.runAsync(() -> rollbackAfter(writer, 1_500));
			MigrateResult result = new Migrator(this.database.dataSource(),
					settings("invalid-index-lock-timeout", LOCK_TIMEOUT, 8).concurrentWaitTimeout(LOCK_TIMEOUT).build())
				.migrate();
			finish.get(1, TimeUnit.MINUTES);
			assertThat(result.applied()).extracting(MigrateResult.Applied::script)
				.containsExactly("002_events_kind.sql");
		}
		assertThat(indexValid("events_kind")).isTrue();
		assertThat(output).contains("Index public.events_kind on events is invalid");
	}

	@Test
	void withoutARetryCountItRetriesUntilTheBudgetIsSpentWhileReadersGetThrough(CapturedOutput output)
			throws Exception {
		migrator("lock-contention", LOCK_TIMEOUT, 2).migrate();
		jdbc().execute("ALTER TABLE accounts DROP COLUMN note; DELETE FROM cairn_history WHERE version = '2'");
		try (Connection report = this.database.connect(); Statement statement = report.createStatement()) {
			report.setAutoCommit(false);
			statement.execute("SELECT count(*) FROM accounts");
			long start = System.nanoTime();
			assertThatExceptionOfType(MigrationException.class)
				.isThrownBy(new Migrator(this.database.dataSource(),
						MigratorSettings.builder()
							.locations("classpath:scenarios/lock-contention")
							.lockTimeout(LOCK_TIMEOUT)
							.lockRetryBudget(Duration.ofSeconds(3))
							.build())::migrate)
				.withMessageContaining("It waited for a lock longer than lock_timeout ");
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			report.rollback();
			assertThat(took).as("it kept trying for most of the 3 s budget, and not past it")
				.isBetween(Duration.ofMillis(1_500), Duration.ofMillis(4_500));
			assertThat(output)
				.contains("gave up waiting for a lock after lock_timeout 300 ms (attempt 1, 0 s of the 3 s "
						+ "retry budget spent)")
				.containsPattern("\\(attempt 3, \\d s of the 3 s retry budget spent\\)");
		}
	}

	@Test
	void aConcurrentIndexBuildWaitsForALongTransactionBeyondTheLockTimeoutAndNamesIt(CapturedOutput output)
			throws Exception {
		new Migrator(this.database.dataSource(),
				settings("invalid-index-lock-timeout", LOCK_TIMEOUT, 0).target("1").build())
			.migrate();
		try (Connection report = this.database.connect(); Statement statement = report.createStatement()) {
			// A report holding a snapshot: the build waits for it, blocking no reads or
			// writes meanwhile.
			int reportPid = pid(report);
			report.setAutoCommit(false);
			statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
			statement.execute("SELECT count(*) FROM events");
			CompletableFuture<Void> finish = CompletableFuture.runAsync(() -> rollbackAfter(report, 11_000));
			long start = System.nanoTime();
			MigrateResult result = migrator("invalid-index-lock-timeout", LOCK_TIMEOUT, 0).migrate();
			finish.get(1, TimeUnit.MINUTES);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it waited for the report, not 300 ms")
				.isGreaterThan(Duration.ofSeconds(10));
			assertThat(result.applied()).extracting(MigrateResult.Applied::script)
				.containsExactly("002_events_kind.sql");
			assertThat(output).containsPattern("CREATE INDEX CONCURRENTLY in 002_events_kind.sql has waited 1\\d s "
					+ "for pid " + reportPid + " \\(idle in transaction, application_name '[^']*', transaction open "
					+ "for 00:00:\\d\\d, last query: SELECT count\\(\\*\\) FROM events\\) to end. It blocks no "
					+ "reads or writes while it waits; end that session to let it finish sooner.");
		}
		assertThat(indexValid("events_kind")).isTrue();
	}

	private int readInALoop(AtomicBoolean reading, AtomicLong longest) throws Exception {
		int reads = 0;
		try (Connection reader = this.database.connect(); Statement statement = reader.createStatement()) {
			while (reading.get()) {
				long start = System.nanoTime();
				try (ResultSet result = statement.executeQuery("SELECT count(*) FROM accounts")) {
					result.next();
				}
				longest.accumulateAndGet(System.nanoTime() - start, Math::max);
				reads++;
				Thread.sleep(5);
			}
		}
		return reads;
	}

	private static void rollbackAfter(Connection connection, long millis) {
		try {
			Thread.sleep(millis);
			connection.rollback();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int pid(Connection connection) throws Exception {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
			result.next();
			return result.getInt(1);
		}
	}

	private boolean indexValid(String name) {
		return Boolean.TRUE.equals(jdbc()
			.queryForObject("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(?)", Boolean.class, name));
	}

	private boolean columnExists(String table, String column) {
		return Boolean.TRUE.equals(jdbc().queryForObject("SELECT EXISTS (SELECT 1 FROM information_schema.columns "
				+ "WHERE table_name = ? AND column_name = ?)", Boolean.class, table, column));
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

	private Migrator migrator(String scenario, Duration lockTimeout, int retries) {
		return new Migrator(this.database.dataSource(), settings(scenario, lockTimeout, retries).build());
	}

	private static MigratorSettings.Builder settings(String scenario, Duration lockTimeout, int retries) {
		return MigratorSettings.builder()
			.locations("classpath:scenarios/" + scenario)
			.lockTimeout(lockTimeout)
			.lockRetries(retries);
	}

}
