package dev.cairn.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Runs one migration, or one undo, on the working connection: a transactional one as a
 * single transaction together with its history row, a non-transactional one statement by
 * statement with its progress recorded; and says, when it fails, what was and was not
 * applied.
 * <p>
 * Every migration runs with {@code lock_timeout} set, so that a statement queued behind a
 * long transaction gives up instead of blocking all traffic behind its own lock request;
 * it is then retried after a jittered, growing pause (a transactional migration as a
 * whole, a non-transactional one from the statement that gave up). It also runs with
 * {@code client_connection_check_interval}, so that the statement of a runner that was
 * killed stops within a second instead of running on with its locks. Whatever session
 * state a migration changes (settings, role, temporary tables, cursors, listens) is reset
 * before its history row is written, to what the connection had before the run. History
 * rows are written only while the migration lock is held, so a run that lost its lock
 * never commits a migration.
 */
final class MigrationExecutor {

	private final Connection connection;

	private final HistoryTable history;

	private final AdvisoryLock lock;

	private final MigratorSettings settings;

	private final SessionSettings session;

	private final StatementRunner statements;

	MigrationExecutor(Connection connection, HistoryTable history, AdvisoryLock lock, MigratorSettings settings)
			throws SQLException {
		this.connection = connection;
		this.history = history;
		this.lock = lock;
		this.settings = settings;
		this.session = new SessionSettings(connection, settings);
		this.statements = new StatementRunner(connection, lock, settings);
	}

	/**
	 * Applies a migration and records it.
	 * @param migration the migration
	 * @param script its parsed text, or {@code null} for a Java migration
	 * @param appliedBefore how many migrations this run applied before it, for the
	 * failure message
	 * @return the history row written
	 */
	@Nullable AppliedMigration apply(ResolvedMigration migration, @Nullable SqlScript script, int appliedBefore)
			throws SQLException {
		Entry entry = entry(migration);
		String consequence = consequence(appliedBefore);
		String fix = "Fix the " + ((script != null) ? "file" : "migration") + " and restart.";
		JavaMigration java = migration.java();
		if (java != null) {
			return inTransaction(entry, null, java::migrate, consequence, fix);
		}
		return script.transactional() ? inTransaction(entry, script, null, consequence, fix)
				: statementByStatement(entry, script, 0);
	}

	/**
	 * Applies consecutive transactional migrations in one round trip (a
	 * {@link Pipeline}), each in its own transaction with its history row, and reads back
	 * the rows that were committed. When one fails, the ones before it stay applied and
	 * are recorded, and the failure names its file, line and column as {@link #apply}
	 * does; one that gave up after {@code lock_timeout} is retried alone, with the pauses
	 * and budget of any retry.
	 * @param group the migrations, as {@link Pipeline#groupEnd} grouped them
	 * @param scripts their parsed files
	 * @param appliedBefore how many migrations this run applied before them
	 * @param rankBefore the highest installed rank in the history before them
	 * @param applied told about each row committed, in order
	 * @return how many of the group were applied: all of them, or fewer when one was
	 * retried alone, after which the caller goes on with the next
	 */
	int applyGroup(List<ResolvedMigration> group, List<SqlScript> scripts, int appliedBefore, int rankBefore,
			Consumer<AppliedMigration> applied) throws SQLException {
		Duration lockTimeout = this.session.lockTimeout(scripts.get(0));
		Pipeline pipeline = Pipeline.start();
		List<String> reset = this.session.resetSession();
		for (int i = 0; i < group.size(); i++) {
			pipeline.add(i, this.session.timeouts(scripts.get(i), "SET LOCAL "), scripts.get(i), reset, this.history
				.insertInTransaction(entry(group.get(i)).row(System.nanoTime(), true, null), this.lock));
		}
		long start = System.nanoTime();
		this.connection.setAutoCommit(true);
		StatementRunner.Failure failure = null;
		try {
			this.statements.runBatch(pipeline.batch(), lockTimeout);
		}
		catch (StatementRunner.Failure ex) {
			failure = ex;
			if (!this.connection.isClosed()) {
				try {
					this.statements.execute(List.of("ROLLBACK"));
				}
				catch (SQLException rollback) {
					ex.addSuppressed(rollback);
				}
			}
		}
		List<AppliedMigration> rows;
		try {
			rows = this.history.readAfter(this.connection.isClosed() ? this.lock.connection() : this.connection,
					rankBefore);
		}
		catch (SQLException ex) {
			if (failure == null) {
				throw ex;
			}
			failure.addSuppressed(ex);
			throw MigrationFailure.of(group.get(0).script(), null, null, failure.getCause(), 0,
					"The connection was lost while " + group.get(0).script() + " and the " + (group.size() - 1)
							+ " migration(s) after it ran, each in its own transaction; "
							+ "the history table shows which of them committed.",
					"Restart to continue.");
		}
		rows.forEach(applied);
		int failed = rows.size();
		if (failure == null || failed >= group.size()) {
			return rows.size();
		}
		ResolvedMigration migration = group.get(failed);
		SqlScript script = scripts.get(failed);
		Entry entry = entry(migration);
		String consequence = consequence(appliedBefore + failed);
		String fix = "Fix the file and restart.";
		SQLException cause = failure.getCause();
		if (HistoryTable.NOT_NULL_VIOLATION.equals(cause.getSQLState()) && pipeline.owner(failure.index()) == failed
				&& pipeline.statement(failure.index()) < 0 && !this.lock.isHeld(this.connection)) {
			throw lostLock(entry);
		}
		if (failure.isLockTimeout()) {
			if (!this.statements.retryAfter(entry.script(), 0, start, lockTimeout, cause)) {
				throw MigrationFailure.of(entry.script(), script, statementOf(pipeline, failure, failed, script), cause,
						0, consequence, fix);
			}
			applied.accept(Objects.requireNonNull(inTransaction(entry, script, null, consequence, fix, 1, start)));
			return failed + 1;
		}
		if (pipeline.owner(failure.index()) == failed || this.connection.isClosed()) {
			throw MigrationFailure.of(entry.script(), script, statementOf(pipeline, failure, failed, script), cause, 0,
					consequence, fix);
		}
		// pgjdbc's message did not say which statement failed (a translated message):
		// alone, the migration fails again where it failed, and says so exactly.
		applied.accept(Objects.requireNonNull(inTransaction(entry, script, null, consequence, fix, 0, start)));
		return failed + 1;
	}

	private static @Nullable SqlStatement statementOf(Pipeline pipeline, StatementRunner.Failure failure, int migration,
			SqlScript script) {
		int statement = pipeline.statement(failure.index());
		return (pipeline.owner(failure.index()) == migration && statement >= 0) ? script.statements().get(statement)
				: null;
	}

	private Entry entry(ResolvedMigration migration) {
		return new Entry(migration, migration.type(), migration.script(), migration.checksum(),
				(this.settings.keepAppliedText() && migration.java() == null) ? migration.text() : null);
	}

	private static String consequence(int appliedBefore) {
		return "Nothing from this migration was applied" + ((appliedBefore > 0)
				? "; the " + appliedBefore + " migration(s) applied before it in this run stay " + "applied" : "")
				+ ".";
	}

	/**
	 * Undoes an applied migration with its down file (or Java rollback) and records a
	 * {@code ROLLBACK} row.
	 * @param migration the migration to undo
	 * @param down the parsed down file, or {@code null} for a Java migration
	 * @param undoneBefore how many migrations this rollback undid before it, for the
	 * failure message
	 * @return the history row written
	 */
	@Nullable AppliedMigration undo(ResolvedMigration migration, @Nullable SqlScript down, int undoneBefore) throws SQLException {
		String consequence = "This migration is still applied"
				+ ((undoneBefore > 0) ? "; the " + undoneBefore + " migration(s) undone before it stay undone" : "")
				+ ".";
		String fix = "Fix the down file and run the rollback again.";
		JavaMigration java = migration.java();
		if (java != null) {
			Entry entry = new Entry(migration, MigrationType.ROLLBACK, migration.script(), null, null);
			return inTransaction(entry, null, java::rollback, consequence, fix);
		}
		ResolvedMigration file = migration.down();
		Entry entry = new Entry(migration, MigrationType.ROLLBACK, file.script(), file.checksum(), null);
		return down.transactional() ? inTransaction(entry, down, null, consequence, fix)
				: statementByStatement(entry, down, 0);
	}

	/**
	 * Finishes a failed non-transactional migration from a statement on.
	 * @param migration the migration, as its file stands now
	 * @param script its parsed text
	 * @param from the 0-based index of the first statement to run
	 * @return the history row written
	 */
	AppliedMigration resume(ResolvedMigration migration, SqlScript script, int from) throws SQLException {
		return statementByStatement(new Entry(migration, migration.type(), migration.script(), migration.checksum(),
				this.settings.keepAppliedText() ? migration.text() : null), script, from);
	}

	/**
	 * Runs a callback in a transaction of its own, recording nothing in the history.
	 * @param callback the callback
	 * @param script its parsed text
	 * @param appliedBefore how many migrations this run applied before it, for the
	 * failure message
	 */
	void callback(SqlCallback callback, SqlScript script, int appliedBefore) throws SQLException {
		String consequence = "Nothing of this callback was applied" + ((appliedBefore > 0)
				? "; the " + appliedBefore + " migration(s) applied before it in this run stay " + "applied" : "")
				+ ".";
		inTransaction(new Entry(null, callback.script(), null, callback.script(), null, null), script, null,
				consequence, "Fix the callback and restart.");
	}

	private @Nullable AppliedMigration inTransaction(Entry entry, @Nullable SqlScript script, @Nullable JavaBody java,
			String consequence, String fix) throws SQLException {
		return inTransaction(entry, script, java, consequence, fix, 0, System.nanoTime());
	}

	private @Nullable AppliedMigration inTransaction(Entry entry, @Nullable SqlScript script, @Nullable JavaBody java,
			String consequence, String fix, int firstTry, long firstAttempt) throws SQLException {
		this.session.resetSession();
		Duration lockTimeout = this.session.lockTimeout(script);
		for (int attempt = firstTry;; attempt++) {
			long start = System.nanoTime();
			this.connection.setAutoCommit(false);
			try {
				if (this.lock.pooler().switchesSessions()) {
					this.statements.followServerSession();
				}
				List<String> settings = this.session.timeouts(script, "SET LOCAL ");
				if (script != null) {
					this.statements.runInTransaction(script.statements(), settings, this.session.resetSession(),
							lockTimeout);
				}
				else {
					this.statements.execute(settings);
					java.run(new JdbcTemplate(new SingleConnectionDataSource(this.connection, true)));
					this.statements.execute(this.session.resetSession());
				}
				// A callback records nothing, but commits only while the lock is held,
				// like a migration.
				AppliedMigration row = (entry.type() != null)
						? this.history.insert(this.connection, entry.row(start, true, null), this.lock) : null;
				if ((entry.type() != null) ? row == null : !this.lock.isHeld(this.connection)) {
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
				StatementRunner.Failure failure = (ex instanceof StatementRunner.Failure known) ? known : null;
				if (failure != null && failure.isLockTimeout() && this.statements.retryAfter(entry.script(), attempt,
						firstAttempt, lockTimeout, failure.getCause())) {
					continue;
				}
				SqlStatement failed = (script != null && failure != null && failure.index() >= 0)
						? script.statements().get(failure.index()) : null;
				throw MigrationFailure.of(entry.script(), script, failed, (failure != null) ? failure.getCause() : ex,
						attempt, consequence, fix);
			}
			finally {
				// A terminated session closes the connection; failing here would hide the
				// migration's own error.
				if (!this.connection.isClosed()) {
					this.connection.setAutoCommit(true);
				}
			}
		}
	}

	private AppliedMigration statementByStatement(Entry entry, SqlScript script, int from) throws SQLException {
		long start = System.nanoTime();
		if (this.lock.pooler().switchesSessions()) {
			throw this.lock.pooler().outsideTransaction(entry.script(), "Nothing of it ran");
		}
		this.session.resetSession();
		if (!this.lock.isHeld(this.connection)) {
			throw lostLock(entry);
		}
		this.connection.setAutoCommit(true);
		Duration lockTimeout = this.session.lockTimeout(script);
		int total = script.statements().size();
		int done = from;
		this.statements.execute(this.session.timeouts(script, "SET "));
		try {
			for (; done < total; done++) {
				if (done > from && !this.lock.isHeld(this.connection)) {
					throw lostLockMidway(entry, from, done, total);
				}
				this.statements.runWithRetries(script.statements().get(done), done, entry.script(), lockTimeout);
			}
		}
		catch (StatementRunner.Failure ex) {
			boolean recorded = false;
			SQLException cleanupFailure = null;
			try {
				this.statements.execute(this.session.resetSession());
				recorded = this.history.insert(this.connection, entry.row(start, false, done), this.lock) != null;
			}
			catch (SQLException cleanup) {
				cleanupFailure = cleanup;
			}
			String consequence = "This migration runs outside a transaction: " + done + " of its " + total
					+ " statements ran and stay applied, and "
					+ (recorded ? "the history records it as failed at " + "statement " + (done + 1) + "."
							: "the failure could not be recorded (the connection or the migration lock was lost), "
									+ notRecorded(from, done));
			String fix = recorded
					? "Fix the cause (edit statement " + (done + 1) + " or a later one, or fix the "
							+ "database), then run repair: " + ProblemMessages.statements(done + 1, total)
							+ " of the file as it " + "then stands will run."
					: (from > 0) ? "Then run repair again." : "Then restart.";
			MigrationException failure = MigrationFailure.of(entry.script(), script, script.statements().get(done),
					ex.getCause(), ex.retries(), consequence, fix);
			if (cleanupFailure != null) {
				failure.addSuppressed(cleanupFailure);
			}
			throw failure;
		}
		this.statements.execute(this.session.resetSession());
		AppliedMigration row = this.history.insert(this.connection, entry.row(start, true, null), this.lock);
		if (row == null) {
			throw lostLock(entry);
		}
		return row;
	}

	/**
	 * Says where the next attempt starts when a failure could not be recorded: a
	 * migration's first run left no row, so the next run starts it from statement 1; a
	 * repair's resume leaves the failed row it started from, so the next repair runs
	 * again what this one ran.
	 */
	private static String notRecorded(int from, int done) {
		if (from == 0) {
			return "so the next run starts it again from statement 1: check what those statements did.";
		}
		String again = (done > from) ? ", and the next repair runs " + ProblemMessages.statements(from + 1, done)
				+ " again: check what " + ((done == from + 1) ? "it" : "they") + " did first." : ".";
		return "so the history still records it as failed at statement " + (from + 1) + ", as before this repair"
				+ again;
	}

	private void rollback(Exception primary) {
		try {
			this.connection.rollback();
		}
		catch (SQLException ex) {
			primary.addSuppressed(ex);
		}
	}

	private static MigrationException lostLockMidway(Entry entry, int from, int done, int total) {
		String next = (from == 0) ? "Check what those statements did, then restart."
				: "The history still records it as failed at statement " + (from + 1) + ", as before this repair, "
						+ "and the next repair runs " + ProblemMessages.statements(from + 1, done) + " again: check "
						+ "what " + ((done == from + 1) ? "it" : "they") + " did first, then run repair again.";
		return MigrationException.inFile(entry.script(), "Lost the migration lock while running " + entry.script()
				+ ": the lock's session ended (was it terminated?). This migration runs outside a transaction: " + done
				+ " of its " + total + " statements ran and stay applied; the rest did not run and nothing was "
				+ "recorded, so that two instances never migrate at once. " + next, null);
	}

	private static MigrationException lostLock(Entry entry) {
		return MigrationException.inFile(entry.script(),
				"Lost the migration lock before recording " + entry.script()
						+ ": the lock's session ended (was it terminated?). Nothing of " + entry.script()
						+ " was committed, so that two instances never migrate at once. Restart to continue.",
				null);
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
	private record Entry(@Nullable String version, String description, @Nullable MigrationType type, String script,
			@Nullable String checksum, @Nullable String text) {

		Entry(ResolvedMigration migration, MigrationType type, String script, @Nullable String checksum,
				@Nullable String text) {
			this((migration.version() != null) ? migration.version().toString() : null, migration.description(), type,
					script, checksum, text);
		}

		HistoryTable.Row row(long start, boolean success, @Nullable Integer statementsDone) {
			int millis = (int) Duration.ofNanos(System.nanoTime() - start).toMillis();
			return new HistoryTable.Row(this.version, this.description, this.type, this.script, this.checksum, millis,
					success, statementsDone, (this.text != null) ? MigrationText.compress(this.text) : null);
		}

	}

}
