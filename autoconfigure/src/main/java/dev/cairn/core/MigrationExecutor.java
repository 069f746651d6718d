package dev.cairn.core;

import java.io.IOException;
import java.io.StringReader;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
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
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

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

	private static final List<String> RESET_SESSION = List.of("RESET ALL", "SET SESSION AUTHORIZATION DEFAULT",
			"DISCARD TEMP", "CLOSE ALL", "UNLISTEN *");

	private final Connection connection;

	private final HistoryTable history;

	private final AdvisoryLock lock;

	private final MigratorSettings settings;

	private static final Pattern BATCH_ENTRY = Pattern.compile("^Batch entry (\\d+) ");

	private @Nullable LockWaitWatcher watcher;

	private @Nullable List<String> resetSession;

	private int failedStatement = -1;

	private @Nullable Boolean checksClientConnection;

	private int retries;

	MigrationExecutor(Connection connection, HistoryTable history, AdvisoryLock lock, MigratorSettings settings) {
		this.connection = connection;
		this.history = history;
		this.lock = lock;
		this.settings = settings;
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
		resetSession();
		for (int attempt = 0;; attempt++) {
			long start = System.nanoTime();
			this.failedStatement = -1;
			this.connection.setAutoCommit(false);
			try (Statement statement = this.connection.createStatement()) {
				statement.setEscapeProcessing(false);
				if (script != null) {
					runInBatches(statement, script.statements(), timeouts(script, "SET LOCAL "), resetSession());
				}
				else if (java != null) {
					statement.execute(String.join("; ", timeouts(null, "SET LOCAL ")));
					java.run(new JdbcTemplate(new SingleConnectionDataSource(this.connection, true)));
					statement.execute(String.join("; ", resetSession()));
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
				if (LOCK_NOT_AVAILABLE.equals(sqlState(ex)) && attempt < this.settings.lockRetries()) {
					pause(attempt);
					continue;
				}
				SqlStatement failed = (script != null && this.failedStatement >= 0)
						? script.statements().get(this.failedStatement) : null;
				throw failure(entry.script(), script, failed, ex, attempt, consequence);
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
		resetSession();
		if (!this.lock.isHeld(this.connection)) {
			throw lostLock(entry);
		}
		this.connection.setAutoCommit(true);
		int done = from;
		try (Statement statement = this.connection.createStatement()) {
			statement.setEscapeProcessing(false);
			statement.execute(String.join("; ", timeouts(script, "SET ")));
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
					statement.execute(String.join("; ", resetSession()));
					recorded = this.history.insert(this.connection, entry.row(start, false, done), this.lock) != null;
				}
				catch (SQLException cleanup) {
					cleanupFailure = cleanup;
				}
				MigrationException failure = failure(entry.script(), script, script.statements().get(done), ex,
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
			statement.execute(String.join("; ", resetSession()));
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

	/**
	 * Returns the SQL that resets the session after a migration: to the defaults, and then to the settings the
	 * connection had before the first migration ran ({@code application_name}, a pool's {@code search_path} or
	 * role), which {@code RESET ALL} alone would lose. The first call, before any migration runs, records them.
	 */
	private List<String> resetSession() throws SQLException {
		if (this.resetSession == null) {
			List<String> reset = new ArrayList<>(RESET_SESSION);
			try (Statement statement = this.connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT 'DO $cairn_restore$ BEGIN ' || string_agg("
							+ "format('PERFORM set_config(%L, %L, false);', name, setting), ' ') "
							+ "|| ' END $cairn_restore$' FROM pg_settings WHERE source = 'session' "
							+ "AND name <> 'session_authorization'")) {
				if (result.next() && result.getString(1) != null) {
					reset.add(result.getString(1));
				}
			}
			this.resetSession = List.copyOf(reset);
			checksClientConnection();
		}
		return this.resetSession;
	}

	/**
	 * Tells whether the server can notice a vanished client during a statement: PostgreSQL 14 and later, on the
	 * platforms that support it (not Windows), which is found out once by trying, in autocommit, before the first
	 * migration.
	 */
	private boolean checksClientConnection() {
		if (this.checksClientConnection == null) {
			boolean supported;
			try (Statement statement = this.connection.createStatement()) {
				supported = this.connection.getMetaData().getDatabaseMajorVersion() >= 14;
				if (supported) {
					statement.execute("SET client_connection_check_interval = 1000");
					statement.execute("RESET client_connection_check_interval");
				}
			}
			catch (SQLException ex) {
				supported = false;
			}
			this.checksClientConnection = supported;
		}
		return this.checksClientConnection;
	}

	private LockWaitWatcher watcher() throws SQLException {
		if (this.watcher == null) {
			this.watcher = new LockWaitWatcher(this.lock.connection(),
					this.connection.unwrap(PGConnection.class).getBackendPID());
		}
		return this.watcher;
	}

	private List<String> timeouts(@Nullable SqlScript script, String set) {
		Duration lockTimeout = (script != null && script.lockTimeout() != null) ? script.lockTimeout()
				: this.settings.lockTimeout();
		Duration statementTimeout = (script != null && script.statementTimeout() != null) ? script.statementTimeout()
				: this.settings.statementTimeout();
		List<String> sql = new ArrayList<>();
		sql.add(set + "lock_timeout = " + lockTimeout.toMillis());
		if (statementTimeout != null) {
			sql.add(set + "statement_timeout = " + statementTimeout.toMillis());
		}
		if (checksClientConnection()) {
			// A runner killed mid-statement must not leave its statement running, holding its locks, until it ends.
			sql.add(set + "client_connection_check_interval = 1000");
		}
		return sql;
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

	private static @Nullable String sqlState(Exception ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql) {
				return sql.getSQLState();
			}
		}
		return null;
	}

	/**
	 * Describes a failed statement at its place in the file: line and column mapped from PostgreSQL's error
	 * position, the line with a caret, SQLSTATE, detail and hint, and what was and was not applied.
	 */
	static MigrationException failure(String scriptName, @Nullable SqlScript script, @Nullable SqlStatement failed,
			Exception ex, int retries, String consequence) {
		PSQLException psql = null;
		for (Throwable cause = ex; cause != null && psql == null; cause = cause.getCause()) {
			psql = (cause instanceof PSQLException found) ? found : null;
		}
		ServerErrorMessage server = (psql != null) ? psql.getServerErrorMessage() : null;
		String message = (server != null && server.getMessage() != null) ? server.getMessage() : ex.getMessage();
		String sqlState = sqlState(ex);
		SqlScript.Position position = (script != null && failed != null)
				? script.position(failed, (server != null) ? server.getPosition() : 0) : null;
		StringBuilder text = new StringBuilder("Migration ").append(scriptName).append(" failed");
		if (position != null) {
			text.append(" at line ").append(position.line()).append(", column ").append(position.column());
		}
		text.append(": ").append(message);
		if (sqlState != null) {
			text.append(" (SQLSTATE ").append(sqlState).append(')');
		}
		if (position != null) {
			text.append('\n').append(position.excerpt());
		}
		if (server != null && server.getDetail() != null) {
			text.append("\nDetail: ").append(server.getDetail());
		}
		if (server != null && server.getHint() != null) {
			text.append("\nHint: ").append(server.getHint());
		}
		if (server != null && server.getWhere() != null) {
			text.append("\nWhere: ").append(server.getWhere());
		}
		if (LOCK_NOT_AVAILABLE.equals(sqlState)) {
			text.append("\nIt waited for a lock longer than lock_timeout ").append(retries + 1).append(" time(s). ")
				.append(LockWaitWatcher.describe(ex));
		}
		text.append('\n').append(consequence);
		return new MigrationException(text.toString(), scriptName, sqlState, (position != null) ? position.line() : 0,
				(position != null) ? position.column() : 0, ex);
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
