package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Sends a migration's statements on the working connection: row-less statements of a
 * transaction as JDBC batches, {@code COPY … FROM stdin} through pgjdbc's copy API, each
 * statement watched for lock waits, and, outside a transaction, each statement retried
 * after {@code lock_timeout}. A failed statement is reported by its index in a
 * {@link Failure}.
 * <p>
 * Inside a transaction pgjdbc marks every entry of a failed batch failed, and names the
 * failed one only in its message, with a number formatted for the JVM's locale. So the
 * failed entry is the one whose statement text the message quotes right after that
 * number; when no entry matches (a translated message), the statements are replayed one
 * by one in a transaction that is then rolled back, which finds the failing one exactly.
 */
final class StatementRunner {

	static final String LOCK_NOT_AVAILABLE = "55P03";

	private static final Log logger = LogFactory.getLog(StatementRunner.class);

	private static final int COPY_SLICE = 1 << 16;

	private final Connection connection;

	private final MigratorSettings settings;

	private final LockWaitWatcher watcher;

	StatementRunner(Connection connection, AdvisoryLock lock, MigratorSettings settings) throws SQLException {
		this.connection = connection;
		this.settings = settings;
		this.watcher = new LockWaitWatcher(lock.connection(), connection.unwrap(PGConnection.class).getBackendPID());
	}

	/**
	 * Runs a transactional file's statements between the settings before and the reset
	 * after them, in the open transaction, one round trip for every run of statements
	 * that return no rows.
	 * @param statements the file's statements
	 * @param before settings to send first, such as {@code SET LOCAL lock_timeout}
	 * @param after statements to send last, such as the session reset
	 * @param lockTimeout the {@code lock_timeout} the statements run with, for the
	 * watcher
	 * @throws Failure naming the statement that failed, or {@code -1} when it was a
	 * setting or the reset
	 */
	void runInTransaction(List<SqlStatement> statements, List<String> before, List<String> after, Duration lockTimeout)
			throws Failure {
		List<String> batch = new ArrayList<>(before);
		List<Integer> indexes = new ArrayList<>();
		before.forEach((sql) -> indexes.add(-1));
		try (Statement statement = newStatement()) {
			for (int i = 0; i < statements.size(); i++) {
				SqlStatement sql = statements.get(i);
				if (SqlKeywords.returnsNoRows(sql)) {
					batch.add(sql.sql());
					indexes.add(i);
					continue;
				}
				executeBatch(statement, batch, indexes, lockTimeout, statements, before);
				execute(statement, sql, i, lockTimeout, null);
			}
			batch.addAll(after);
			after.forEach((sql) -> indexes.add(-1));
			executeBatch(statement, batch, indexes, lockTimeout, statements, before);
		}
		catch (SQLException ex) {
			throw new Failure(ex, -1, 0);
		}
	}

	/**
	 * Sends SQL that carries its own transactions ({@code BEGIN} … {@code COMMIT}) as one
	 * JDBC batch in autocommit, in one round trip (pgjdbc adds one for every few hundred
	 * entries), watched for lock waits. The server skips everything after a failed entry.
	 * @param batch the statements
	 * @param lockTimeout the {@code lock_timeout} they run with, for the watcher
	 * @throws Failure with the index of the entry that failed, or {@code -1} when
	 * pgjdbc's message does not say
	 */
	void runBatch(List<String> batch, Duration lockTimeout) throws Failure {
		try (Statement statement = newStatement()) {
			sendBatch(statement, batch, lockTimeout);
		}
		catch (SQLException ex) {
			throw new Failure(ex, -1, 0);
		}
	}

	/**
	 * Runs one statement in autocommit, retrying it after {@code lock_timeout} with a
	 * jittered, growing pause.
	 * @param statement the statement
	 * @param index its index in the file, for the failure
	 * @param script the file name, for the log
	 * @param lockTimeout the {@code lock_timeout} it runs with
	 * @throws Failure when it failed for good, with the number of retries made
	 */
	void runWithRetries(SqlStatement statement, int index, String script, Duration lockTimeout) throws Failure {
		String concurrent = SqlKeywords.outsideTransactionOnly(statement.sql());
		boolean waitsForSnapshots = concurrent != null && concurrent.endsWith("CONCURRENTLY");
		Duration timeout = waitsForSnapshots ? this.settings.concurrentWaitTimeout() : lockTimeout;
		long firstAttempt = System.nanoTime();
		for (int attempt = 0;; attempt++) {
			try (Statement jdbc = newStatement()) {
				InvalidIndexes.dropBeforeRebuild(this.connection, statement.sql());
				if (waitsForSnapshots) {
					// It waits only for older transactions to end and blocks no reads or
					// writes meanwhile.
					jdbc.execute("SET lock_timeout = " + timeout.toMillis());
				}
				try {
					execute(jdbc, statement, index, timeout, waitsForSnapshots ? concurrent + " in " + script : null);
				}
				finally {
					if (waitsForSnapshots && !this.connection.isClosed()) {
						jdbc.execute("SET lock_timeout = " + lockTimeout.toMillis());
					}
				}
				return;
			}
			catch (Failure | SQLException ex) {
				SQLException cause = (ex instanceof Failure failure) ? failure.getCause() : (SQLException) ex;
				if (!LOCK_NOT_AVAILABLE.equals(cause.getSQLState())
						|| !retryAfter(script, attempt, firstAttempt, timeout, cause)) {
					throw new Failure(cause, index, attempt);
				}
			}
		}
	}

	/**
	 * Points the watcher at the server session the open transaction runs on, which behind
	 * a pooler that switches sessions is not the one the connection started on.
	 */
	void followServerSession() throws SQLException {
		try (Statement statement = newStatement();
				ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
			result.next();
			this.watcher.watch(result.getInt(1));
		}
	}

	/**
	 * Runs SQL that is not part of a file, such as settings and the session reset.
	 * @param sql the statements, sent as one string
	 */
	void execute(List<String> sql) throws SQLException {
		if (sql.isEmpty()) {
			return;
		}
		try (Statement statement = newStatement()) {
			statement.execute(String.join("; ", sql));
		}
	}

	/**
	 * Decides whether a statement or transaction that hit {@code lock_timeout} goes on:
	 * while the retry budget (and {@code lock-retries}, when set) allows another attempt,
	 * it logs the attempt with the sessions that blocked it and waits a jittered pause
	 * that doubles from about 200 ms up to 10 s, so that application traffic flows
	 * between attempts.
	 * @param script the file name
	 * @param attempt the 0-based attempt that failed
	 * @param firstAttempt when the first attempt started ({@link System#nanoTime()})
	 * @param lockTimeout the {@code lock_timeout} it ran with
	 * @param failure the attempt's failure, marked with the blockers the watcher saw
	 * @return whether to try again
	 */
	boolean retryAfter(String script, int attempt, long firstAttempt, Duration lockTimeout, Throwable failure) {
		Integer cap = this.settings.lockRetries();
		long base = Math.min(200L << Math.min(attempt, 10), 10_000L);
		long millis = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
		Duration spent = Duration.ofNanos(System.nanoTime() - firstAttempt);
		Duration budget = this.settings.lockRetryBudget();
		if ((cap != null && attempt >= cap) || spent.plusMillis(millis).plus(lockTimeout).compareTo(budget) > 0) {
			return false;
		}
		logger.warn("Migration " + script + " gave up waiting for a lock after lock_timeout " + lockTimeout.toMillis()
				+ " ms (attempt " + (attempt + 1) + ((cap != null) ? " of " + (cap + 1) : "") + ", " + spent.toSeconds()
				+ " s of the " + budget.toSeconds() + " s retry budget spent). " + LockWaitWatcher.blockers(failure)
				+ ". Retrying in " + millis + " ms.");
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MigrationException("Interrupted while waiting to retry " + script + ", which hit lock_timeout. "
					+ "Nothing of it was committed; restart to try again.");
		}
		return true;
	}

	private Statement newStatement() throws SQLException {
		Statement statement = this.connection.createStatement();
		statement.setEscapeProcessing(false);
		return statement;
	}

	private void executeBatch(Statement statement, List<String> batch, List<Integer> indexes, Duration lockTimeout,
			List<SqlStatement> statements, List<String> before) throws Failure, SQLException {
		if (batch.isEmpty()) {
			return;
		}
		try {
			sendBatch(statement, batch, lockTimeout);
		}
		catch (Failure ex) {
			int entry = ex.index();
			int index = (entry >= 0) ? indexes.get(entry) : replay(indexes, statements, before, lockTimeout);
			throw new Failure(ex.getCause(), index, 0);
		}
		finally {
			statement.clearBatch();
			batch.clear();
			indexes.clear();
		}
	}

	/**
	 * Sends statements as one JDBC batch, watched for lock waits.
	 * @throws Failure when an entry failed, with that entry's index in the batch, or
	 * {@code -1} when pgjdbc's message does not say which
	 * @throws SQLException when the batch could not be sent at all
	 */
	private void sendBatch(Statement statement, List<String> batch, Duration lockTimeout) throws Failure, SQLException {
		this.watcher.start(lockTimeout, null);
		try {
			for (String sql : batch) {
				statement.addBatch(sql);
			}
			statement.executeBatch();
		}
		catch (BatchUpdateException ex) {
			SQLException cause = (ex.getNextException() != null) ? ex.getNextException() : ex;
			noteLockTimeout(cause);
			throw new Failure(cause, BatchEntries.failedEntry(String.valueOf(ex.getMessage()), batch), 0);
		}
		catch (SQLException ex) {
			noteLockTimeout(ex);
			throw ex;
		}
		finally {
			this.watcher.stop();
		}
	}

	private void noteLockTimeout(SQLException failure) {
		if (LOCK_NOT_AVAILABLE.equals(failure.getSQLState())) {
			this.watcher.note(failure);
		}
	}

	/**
	 * Finds the failing statement of a failed batch by running the file's statements
	 * again, one by one, in a transaction that is then rolled back; the transaction the
	 * batch ran in is already rolled back.
	 * @return the index of the statement that fails again, or -1
	 */
	private int replay(List<Integer> indexes, List<SqlStatement> statements, List<String> before,
			Duration lockTimeout) {
		int last = -1;
		for (int index : indexes) {
			last = Math.max(last, index);
		}
		if (last < 0) {
			return -1;
		}
		try {
			this.connection.rollback();
			try (Statement statement = newStatement()) {
				for (String sql : before) {
					statement.execute(sql);
				}
				for (int i = 0; i <= last; i++) {
					try {
						execute(statement, statements.get(i), i, lockTimeout, null);
					}
					catch (Failure ex) {
						return i;
					}
				}
			}
			finally {
				this.connection.rollback();
			}
		}
		catch (SQLException ex) {
			// Only a diagnostic: the batch's own error is what the user reads.
		}
		return -1;
	}

	/**
	 * Sends {@code COPY … FROM stdin} data to the server as UTF-8 (pgjdbc's client
	 * encoding), a slice at a time straight from the file's text: no copy of the data as
	 * a whole is made.
	 */
	private void copyIn(String sql, CharSequence data) throws SQLException {
		CopyIn copy = this.connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
		try {
			for (int from = 0; from < data.length();) {
				int to = Math.min(data.length(), from + COPY_SLICE);
				if (to < data.length() && Character.isHighSurrogate(data.charAt(to - 1))) {
					// Never split a surrogate pair between two slices.
					to--;
				}
				byte[] bytes = data.subSequence(from, to).toString().getBytes(StandardCharsets.UTF_8);
				copy.writeToCopy(bytes, 0, bytes.length);
				from = to;
			}
			copy.endCopy();
		}
		finally {
			if (copy.isActive()) {
				copy.cancelCopy();
			}
		}
	}

	private void execute(Statement statement, SqlStatement sql, int index, Duration lockTimeout,
			@Nullable String reportAs) throws Failure {
		this.watcher.start(lockTimeout, reportAs);
		try {
			if (sql.copyData() == null) {
				statement.execute(sql.sql());
				return;
			}
			copyIn(sql.sql(), sql.copyData());
		}
		catch (SQLException ex) {
			noteLockTimeout(ex);
			throw new Failure(ex, index, 0);
		}
		finally {
			this.watcher.stop();
		}
	}

	/**
	 * A statement that failed: its index in the file ({@code -1} when the failure was not
	 * in one of the file's statements) and how many times it was retried after
	 * {@code lock_timeout}.
	 */
	static final class Failure extends Exception {

		private final int index;

		private final int retries;

		Failure(SQLException cause, int index, int retries) {
			super(cause.getMessage(), cause, false, false);
			this.index = index;
			this.retries = retries;
		}

		@Override
		public synchronized SQLException getCause() {
			return (SQLException) super.getCause();
		}

		int index() {
			return this.index;
		}

		int retries() {
			return this.retries;
		}

		boolean isLockTimeout() {
			return LOCK_NOT_AVAILABLE.equals(getCause().getSQLState());
		}

	}

}
