package dev.cairn.core;

import java.io.IOException;
import java.io.StringReader;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Runs one migration, or one undo, on the working connection: a transactional one as a single transaction together
 * with its history row, a non-transactional one statement by statement with its progress recorded.
 * <p>
 * Every migration runs with {@code lock_timeout} set, so that a statement queued behind a long transaction gives up
 * instead of blocking all traffic behind its own lock request (on {@code lock_not_available} it is retried after a
 * jittered, growing pause), and with {@code client_connection_check_interval}, so that the statement of a runner
 * that was killed stops within a second instead of running on with its locks. Whatever session state a migration
 * changes (settings, role, temporary tables, cursors, listens) is reset before its history row is written, to what
 * the connection had before the run, so the next migration, and the application that later gets this connection
 * from the pool, start clean. History rows are written only while the migration lock is held, so a
 * run that lost its lock never commits a migration.
 */
final class MigrationExecutor {

	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private final Connection connection;

	private final HistoryTable history;

	private final AdvisoryLock lock;

	private final MigratorSettings settings;

	private final SessionSettings session;

	private static final Pattern BATCH_ENTRY = Pattern.compile("^Batch entry (\\d+) ");

	private @Nullable LockWaitWatcher watcher;

	private int failedStatement = -1;

	private int retries;

	MigrationExecutor(Connection connection, HistoryTable history, AdvisoryLock lock, MigratorSettings settings) {
		this.connection = connection;
		this.history = history;
		this.lock = lock;
		this.settings = settings;
		this.session = new SessionSettings(connection, settings);
	}

	/**
	 * Applies a migration and records it.
	 * @param migration the migration
	 * @param script its parsed text, or {@code null} for a Java migration
	 * @param appliedBefore how many migrations this run applied before it, for the failure message
	 * @return the history row written
	 */
	AppliedMigration apply(ResolvedMigration migration, @Nullable SqlScript script, int appliedBefore)
			throws SQLException {
		Entry entry = new Entry(migration, migration.type(), migration.script(), migration.checksum());
		String consequence = "Nothing from this migration was applied"
				+ ((appliedBefore > 0) ? "; the " + appliedBefore + " migration(s) applied before it in this run stay "
						+ "applied" : "")
				+ ". Fix the " + ((script != null) ? "file" : "migration") + " and restart.";
		JavaMigration java = migration.java();
		if (java != null) {
			return inTransaction(entry, null, (jdbc) -> java.migrate(jdbc), consequence);
		}
		return run(entry, script, consequence);
	}

	/**
	 * Undoes an applied migration with its down file (or Java rollback) and records a {@code ROLLBACK} row.
	 * @param migration the migration to undo
	 * @param down the parsed down file, or {@code null} for a Java migration
	 * @param undoneBefore how many migrations this rollback undid before it, for the failure message
	 * @return the history row written
	 */
	AppliedMigration undo(ResolvedMigration migration, @Nullable SqlScript down, int undoneBefore)
			throws SQLException {
		String consequence = "This migration is still applied"
				+ ((undoneBefore > 0) ? "; the " + undoneBefore + " migration(s) undone before it stay undone" : "")
				+ ". Fix the down file and run the rollback again.";
		JavaMigration java = migration.java();
		if (java != null) {
			Entry entry = new Entry(migration, MigrationType.ROLLBACK, migration.script(), null);
			return inTransaction(entry, null, (jdbc) -> java.rollback(jdbc), consequence);
		}
		ResolvedMigration file = migration.down();
		Entry entry = new Entry(migration, MigrationType.ROLLBACK, file.script(), file.checksum());
		return run(entry, down, consequence);
	}

	/**
	 * Finishes a failed non-transactional migration from the statement that failed.
	 * @param migration the migration, whose file is unchanged since it failed
	 * @param script its parsed text
	 * @param from the 0-based index of the first statement to run
	 * @return the history row written
	 */
	AppliedMigration resume(ResolvedMigration migration, SqlScript script, int from) throws SQLException {
		return statementByStatement(new Entry(migration, migration.type(), migration.script(), migration.checksum()),
				script, from);
	}

	private AppliedMigration run(Entry entry, SqlScript script, String consequence) throws SQLException {
		if (!script.transactional()) {
			return statementByStatement(entry, script, 0);
		}
		return inTransaction(entry, script, null, consequence);
	}

	private AppliedMigration inTransaction(Entry entry, @Nullable SqlScript script, @Nullable JavaBody java,
			String consequence) throws SQLException {
		this.session.resetSession();
		for (int attempt = 0;; attempt++) {
			long start = System.nanoTime();
			this.failedStatement = -1;
			this.connection.setAutoCommit(false);
			try (Statement statement = this.connection.createStatement()) {
				statement.setEscapeProcessing(false);
				if (script != null) {
					runInBatches(statement, script.statements(), this.session.timeouts(script, "SET LOCAL "),
							this.session.resetSession());
				}
				else if (java != null) {
					statement.execute(String.join("; ", this.session.timeouts(null, "SET LOCAL ")));
					java.run(new JdbcTemplate(new SingleConnectionDataSource(this.connection, true)));
					statement.execute(String.join("; ", this.session.resetSession()));
				}
				AppliedMigration row = this.history.insert(this.connection, entry.row(start, true, null), this.lock);
				if (row == null) {
					this.connection.rollback();
					throw lostLock(entry);
				}
				this.connection.commit();
				return row;
			}
			catch (Exception ex) {
				rollback(ex);
				if (ex instanceof MigrationException migrationException) {
					throw migrationException;
				}
				if (LOCK_NOT_AVAILABLE.equals(MigrationFailure.sqlState(ex)) && attempt < this.settings.lockRetries()) {
					pause(attempt);
					continue;
				}
				SqlStatement failed = (script != null && this.failedStatement >= 0)
						? script.statements().get(this.failedStatement) : null;
				throw MigrationFailure.of(entry.script(), script, failed, ex, attempt, consequence);
			}
			finally {
				// A terminated session closes the connection; failing here would hide the migration's own error.
				if (!this.connection.isClosed()) {
					this.connection.setAutoCommit(true);
				}
			}
		}
	}

	private AppliedMigration statementByStatement(Entry entry, SqlScript script, int from) throws SQLException {
		long start = System.nanoTime();
		this.session.resetSession();
		if (!this.lock.isHeld(this.connection)) {
			throw lostLock(entry);
		}
		this.connection.setAutoCommit(true);
		int done = from;
		try (Statement statement = this.connection.createStatement()) {
			statement.setEscapeProcessing(false);
			statement.execute(String.join("; ", this.session.timeouts(script, "SET ")));
			try {
				for (; done < script.statements().size(); done++) {
					if (done > from && !this.lock.isHeld(this.connection)) {
						throw lostLockMidway(entry, done, script.statements().size());
					}
					executeWithRetries(statement, script.statements().get(done));
				}
			}
			catch (SQLException ex) {
				int total = script.statements().size();
				boolean recorded = false;
				SQLException cleanupFailure = null;
				try {
					statement.execute(String.join("; ", this.session.resetSession()));
					recorded = this.history.insert(this.connection, entry.row(start, false, done), this.lock) != null;
				}
				catch (SQLException cleanup) {
					cleanupFailure = cleanup;
				}
				MigrationException failure = MigrationFailure.of(entry.script(), script, script.statements().get(done), ex,
						this.retries, "This migration runs outside a transaction: " + done + " of its " + total
								+ " statements ran and stay applied, and " + (recorded ? "the history records it as "
										+ "failed at statement " + (done + 1) + ". Fix the cause, then run repair: it "
										+ "resumes at statement " + (done + 1) + " if the file is unchanged."
										: "the failure could not be recorded (the connection or the migration lock "
												+ "was lost). Check what those statements did, then restart."));
				if (cleanupFailure != null) {
					failure.addSuppressed(cleanupFailure);
				}
				throw failure;
			}
			statement.execute(String.join("; ", this.session.resetSession()));
		}
		AppliedMigration row = this.history.insert(this.connection, entry.row(start, true, null), this.lock);
		if (row == null) {
			throw lostLock(entry);
		}
		return row;
	}

	/**
	 * Runs a transactional file's statements between the settings before and the reset after them, sending every
	 * run of statements that return no rows as one JDBC batch: one round trip instead of one per statement. A
	 * failure inside a batch still names its statement, whose index is left in {@link #failedStatement}.
	 */
	private void runInBatches(Statement statement, List<SqlStatement> statements, List<String> before,
			List<String> after) throws SQLException {
		List<String> batch = new ArrayList<>(before);
		List<Integer> indexes = new ArrayList<>(Collections.nCopies(before.size(), -1));
		for (int i = 0; i < statements.size(); i++) {
			SqlStatement sql = statements.get(i);
			if (SqlKeywords.returnsNoRows(sql)) {
				batch.add(sql.sql());
				indexes.add(i);
				continue;
			}
			executeBatch(statement, batch, indexes);
			this.failedStatement = i;
			execute(statement, sql);
		}
		batch.addAll(after);
		indexes.addAll(Collections.nCopies(after.size(), -1));
		executeBatch(statement, batch, indexes);
		this.failedStatement = -1;
	}

	private void executeBatch(Statement statement, List<String> batch, List<Integer> indexes) throws SQLException {
		if (batch.isEmpty()) {
			return;
		}
		LockWaitWatcher watcher = watcher();
		watcher.start(this.settings.lockTimeout());
		try {
			for (String sql : batch) {
				statement.addBatch(sql);
			}
			statement.executeBatch();
		}
		catch (BatchUpdateException ex) {
			// Inside a transaction pgjdbc marks every entry failed; only its message says which one was.
			Matcher entry = BATCH_ENTRY.matcher(String.valueOf(ex.getMessage()));
			this.failedStatement = entry.find() ? indexes.get(Math.min(Integer.parseInt(entry.group(1)),
					indexes.size() - 1)) : -1;
			SQLException cause = (ex.getNextException() != null) ? ex.getNextException() : ex;
			if (LOCK_NOT_AVAILABLE.equals(cause.getSQLState())) {
				watcher.note(cause);
			}
			throw cause;
		}
		finally {
			watcher.stop();
			statement.clearBatch();
			batch.clear();
			indexes.clear();
		}
	}

	private void executeWithRetries(Statement statement, SqlStatement sql) throws SQLException {
		for (int attempt = 0;; attempt++) {
			this.retries = attempt;
			try {
				InvalidIndexes.dropBeforeRebuild(this.connection, sql.sql());
				execute(statement, sql);
				return;
			}
			catch (SQLException ex) {
				if (!LOCK_NOT_AVAILABLE.equals(ex.getSQLState()) || attempt >= this.settings.lockRetries()) {
					throw ex;
				}
				pause(attempt);
			}
		}
	}

	private void execute(Statement statement, SqlStatement sql) throws SQLException {
		LockWaitWatcher watcher = watcher();
		watcher.start(this.settings.lockTimeout());
		try {
			if (sql.copyData() == null) {
				statement.execute(sql.sql());
				return;
			}
			this.connection.unwrap(PGConnection.class)
				.getCopyAPI()
				.copyIn(sql.sql(), new StringReader(sql.copyData()));
		}
		catch (IOException ex) {
			throw new SQLException("COPY data could not be sent: " + ex.getMessage(), ex);
		}
		catch (SQLException ex) {
			if (LOCK_NOT_AVAILABLE.equals(ex.getSQLState())) {
				watcher.note(ex);
			}
			throw ex;
		}
		finally {
			watcher.stop();
		}
	}

	private LockWaitWatcher watcher() throws SQLException {
		if (this.watcher == null) {
			this.watcher = new LockWaitWatcher(this.lock.connection(),
					this.connection.unwrap(PGConnection.class).getBackendPID());
		}
		return this.watcher;
	}

	private void rollback(Exception primary) {
		try {
			this.connection.rollback();
		}
		catch (SQLException ex) {
			primary.addSuppressed(ex);
		}
	}

	private void pause(int attempt) {
		long base = Math.min(200L << attempt, 5_000L);
		try {
			Thread.sleep(base + ThreadLocalRandom.current().nextLong(base));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MigrationException("Interrupted while waiting to retry a migration that hit lock_timeout.");
		}
	}

	private static MigrationException lostLockMidway(Entry entry, int done, int total) {
		return new MigrationException("Lost the migration lock while running " + entry.script() + ": the lock's "
				+ "session ended (was it terminated?). This migration runs outside a transaction: " + done + " of its "
				+ total + " statements ran and stay applied; the rest did not run and nothing was recorded, so that "
				+ "two instances never migrate at once. Check what those statements did, then restart.",
				entry.script(), null, 0, 0, null);
	}

	private static MigrationException lostLock(Entry entry) {
		return new MigrationException("Lost the migration lock before recording " + entry.script()
				+ ": the lock's session ended (was it terminated?). Nothing of " + entry.script()
				+ " was committed, so that two instances never migrate at once. Restart to continue.",
				entry.script(), null, 0, 0, null);
	}

	/**
	 * The body of a Java migration or rollback.
	 */
	@FunctionalInterface
	private interface JavaBody {

		void run(JdbcTemplate jdbc) throws Exception;

	}

	/**
	 * What a history row records about the migration being run.
	 */
	private record Entry(@Nullable String version, String description, MigrationType type, String script,
			@Nullable String checksum) {

		Entry(ResolvedMigration migration, MigrationType type, String script, @Nullable String checksum) {
			this((migration.version() != null) ? migration.version().toString() : null, migration.description(), type,
					script, checksum);
		}

		HistoryTable.Row row(long start, boolean success, @Nullable Integer statementsDone) {
			int millis = (int) Duration.ofNanos(System.nanoTime() - start).toMillis();
			return new HistoryTable.Row(this.version, this.description, this.type, this.script, this.checksum, millis,
					success, statementsDone);
		}

	}

}
