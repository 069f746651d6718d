package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The migration lock: a PostgreSQL session advisory lock held on a connection of its own.
 * <p>
 * The lock is taken by polling {@code pg_try_advisory_lock} on a dedicated autocommit
 * connection that runs nothing but the lock calls and the look-up of the holder, and so
 * never holds a transaction open. That matters because {@code CREATE INDEX CONCURRENTLY}
 * on the working connection waits for every open transaction in the database: a lock held
 * by a transaction (Flyway's default) makes such a build wait for its own runner. The key
 * is derived from the history table's name, so two Cairn setups with different tables in
 * one database do not block each other. PostgreSQL drops a session lock with its session,
 * so a crashed or killed runner leaves nothing behind.
 * <p>
 * Behind a pooler that runs each transaction on any server session (PgBouncer in
 * transaction mode), a session lock would stay with whichever server session took it, and
 * another client handed that session would hold it too. There the lock is a
 * transaction-scoped advisory lock held in a transaction kept open on the lock's
 * connection: the transaction pins one server session, and the lock ends with it on
 * release, on a crash or when the client disconnects. An idle transaction that has only
 * taken an advisory lock holds no snapshot, so a concurrent index build does not wait for
 * it either.
 */
final class AdvisoryLock implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(AdvisoryLock.class);

	private static final Duration REPORT_EVERY = Duration.ofSeconds(5);

	// A Cairn holder's lock session runs only Cairn's look-ups: its working session,
	// named alike, is the one to show.
	private static final String HOLDER_SQL = """
			SELECT a.pid, a.application_name, a.client_addr::text, coalesce(a.xact_start, a.backend_start),
			coalesce(w.query, a.query), w.pid
			FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			LEFT JOIN pg_stat_activity w ON a.application_name LIKE 'cairn lock %'
			AND w.application_name = 'cairn migrate ' || substr(a.application_name, 12)
			WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
			AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND ((l.classid::bigint << 32) | l.objid::bigint) = ?
			ORDER BY w.pid NULLS LAST LIMIT 1""";

	private final Connection connection;

	private final long key;

	private final int pid;

	private final Duration waited;

	private final @Nullable String applicationName;

	private final Pooler pooler;

	private final int prepareThreshold;

	private AdvisoryLock(Connection connection, long key, int pid, Duration waited, @Nullable String applicationName,
			Pooler pooler, int prepareThreshold) {
		this.connection = connection;
		this.key = key;
		this.pid = pid;
		this.waited = waited;
		this.applicationName = applicationName;
		this.pooler = pooler;
		this.prepareThreshold = prepareThreshold;
	}

	/**
	 * Takes the lock, waiting at most {@code timeout} and reporting the holder to the
	 * listener every few seconds.
	 * @param dataSource where to open the lock's own connection
	 * @param name the qualified history table name the key is derived from
	 * @param timeout how long to wait
	 * @param mode whether the connection may switch server sessions between transactions
	 * @param listener hears about the wait
	 * @return the held lock; close it to release
	 */
	static AdvisoryLock acquire(DataSource dataSource, String name, Duration timeout, PoolerMode mode,
			MigrationListener listener) throws SQLException {
		long key = keyFor(name);
		Connection connection = dataSource.getConnection();
		Pooler pooler = null;
		int threshold = 0;
		try {
			connection.setAutoCommit(true);
			pooler = checkServer(connection, mode);
			threshold = pooler.unnamedStatements(connection);
			if (pooler.switchesSessions()) {
				logger.info("Cairn's connection goes through a pooler that may run each transaction on another "
						+ "server session (" + pooler.evidence() + "): the migration lock is held in a transaction "
						+ "of its own, statements are not server-prepared, and migrations that must run outside a "
						+ "transaction are refused. Point cairn.url at PostgreSQL itself to run those.");
			}
			String applicationName = ApplicationName.name(connection, ApplicationName.LOCK);
			long start = System.nanoTime();
			long nextReport = start + REPORT_EVERY.toNanos();
			long sleepMillis = 50;
			boolean inTransaction = pooler.switchesSessions();
			connection.setAutoCommit(!inTransaction);
			try (PreparedStatement attempt = connection
				.prepareStatement(inTransaction ? "SELECT pg_try_advisory_xact_lock(?), pg_backend_pid()"
						: "SELECT pg_try_advisory_lock(?), pg_backend_pid()")) {
				attempt.setLong(1, key);
				while (true) {
					try (ResultSet result = attempt.executeQuery()) {
						result.next();
						if (result.getBoolean(1)) {
							return new AdvisoryLock(connection, key, result.getInt(2),
									Duration.ofNanos(System.nanoTime() - start), applicationName, pooler, threshold);
						}
					}
					if (inTransaction) {
						// Waiting pins no server session.
						connection.rollback();
					}
					long now = System.nanoTime();
					Duration waited = Duration.ofNanos(now - start);
					if (waited.compareTo(timeout) >= 0) {
						throw timedOut(name, timeout, holder(connection, key));
					}
					if (now >= nextReport) {
						LockHolder holder = holder(connection, key);
						if (holder != null) {
							listener.lockWaiting(holder, waited);
						}
						nextReport = now + REPORT_EVERY.toNanos();
					}
					Thread.sleep(sleepMillis + ThreadLocalRandom.current().nextLong(sleepMillis));
					sleepMillis = Math.min(sleepMillis * 2, 500);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			giveBack(connection, pooler, threshold, null);
			throw new MigrationException("Interrupted while waiting for the migration lock. Nothing was applied; "
					+ "restart to try again.");
		}
		catch (SQLException | RuntimeException ex) {
			giveBack(connection, pooler, threshold, ex);
			throw ex;
		}
	}

	private static void giveBack(Connection connection, @Nullable Pooler pooler, int threshold,
			@Nullable Exception primary) {
		try {
			if (!connection.getAutoCommit()) {
				connection.rollback();
				connection.setAutoCommit(true);
			}
			if (pooler != null) {
				pooler.restoreStatements(connection, threshold);
			}
		}
		catch (SQLException ex) {
			if (primary != null) {
				primary.addSuppressed(ex);
			}
		}
		closeQuietly(connection, primary);
	}

	private static MigrationException timedOut(String name, Duration timeout, @Nullable LockHolder holder) {
		if (holder == null) {
			return new MigrationException("Could not take the migration lock for " + name + " within "
					+ describe(timeout)
					+ "; its holder has just released it. Restart to try again, or raise cairn.lock-wait-timeout.");
		}
		return new MigrationException("Could not take the migration lock for " + name + " within " + describe(timeout)
				+ ": " + "another session holds it, " + holder.describe()
				+ ". Another instance may still be migrating. "
				+ "Inspect it with: SELECT pid, application_name, client_addr, state, query_start, query FROM "
				+ "pg_stat_activity WHERE pid = " + holder.pid() + "; if it is stuck, end it with SELECT "
				+ "pg_terminate_backend(" + holder.pid() + "); or raise cairn.lock-wait-timeout.");
	}

	/**
	 * Refuses, before anything else, a server that cannot take the migration: a standby
	 * (an Aurora failover, a replica URL by mistake) or a database that refuses writes,
	 * which would otherwise fail on the first DDL with a message about the file; and
	 * finds out whether a pooler lies between.
	 */
	private static Pooler checkServer(Connection connection, PoolerMode mode) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT pg_is_in_recovery(), "
				+ "current_setting('transaction_read_only') = 'on', " + Pooler.SERVER + ", pg_backend_pid()");
				ResultSet result = statement.executeQuery()) {
			result.next();
			String server = result.getString(3);
			if (result.getBoolean(1)) {
				throw new MigrationException("Cairn is connected to a read-only standby (server " + server + ", "
						+ "pg_is_in_recovery() is true), where nothing can be migrated. Nothing was applied. Point "
						+ "cairn.url (or the application's DataSource) at the primary.");
			}
			if (result.getBoolean(2)) {
				throw new MigrationException("The database refuses writes (server " + server + ", "
						+ "transaction_read_only is on, for example through default_transaction_read_only). Nothing "
						+ "was applied. Point cairn.url at a primary that accepts writes, or turn "
						+ "default_transaction_read_only off for the migration user.");
			}
			return Pooler.of(connection, mode, result.getInt(4), server);
		}
	}

	private static String describe(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 60_000 == 0) {
			return (millis / 60_000) + " min";
		}
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

	private static @Nullable LockHolder holder(Connection connection, long key) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(HOLDER_SQL)) {
			statement.setLong(1, key);
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					return null;
				}
				Timestamp since = result.getTimestamp(4);
				return new LockHolder(result.getInt(1), result.getString(2), result.getString(3),
						(since != null) ? since.toInstant() : null, result.getString(5), (Integer) result.getObject(6));
			}
		}
	}

	/**
	 * Derives the lock key from the history table's name: the first eight bytes of its
	 * SHA-256.
	 */
	static long keyFor(String name) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256")
				.digest(("cairn:" + name).getBytes(StandardCharsets.UTF_8));
			long key = 0;
			for (int i = 0; i < 8; i++) {
				key = (key << 8) | (hash[i] & 0xFF);
			}
			return key;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns the lock's own connection, for short autocommit look-ups from the run (see
	 * {@link LockWaitWatcher}); never for a transaction.
	 * @return the connection
	 */
	Connection connection() {
		return this.connection;
	}

	/**
	 * Returns what lies between Cairn and the server.
	 * @return the pooler, or its absence
	 */
	Pooler pooler() {
		return this.pooler;
	}

	/**
	 * Returns how long taking the lock took.
	 * @return the wait
	 */
	Duration waited() {
		return this.waited;
	}

	/**
	 * Returns a SQL condition, true only while this lock's session still holds the lock;
	 * usable in any query on another connection.
	 * @return the condition
	 */
	String heldCondition() {
		return "EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND pid = "
				+ this.pid + " AND ((classid::bigint << 32) | objid::bigint) = " + this.key + ")";
	}

	/**
	 * Checks, from another connection, that the lock is still held: a terminated lock
	 * session loses it.
	 * @param connection the working connection
	 * @return whether the lock is still held
	 */
	boolean isHeld(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT " + heldCondition());
				ResultSet result = statement.executeQuery()) {
			return result.next() && result.getBoolean(1);
		}
	}

	/**
	 * Releases the lock and closes its connection; a failure here is logged, never
	 * thrown, so that it cannot hide the error of the run.
	 */
	@Override
	public void close() {
		try {
			if (this.pooler.switchesSessions()) {
				this.connection.rollback();
				this.connection.setAutoCommit(true);
			}
			else {
				try (PreparedStatement statement = this.connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
					statement.setLong(1, this.key);
					statement.execute();
				}
			}
			if (this.applicationName != null) {
				ApplicationName.set(this.connection, this.applicationName);
			}
			this.pooler.restoreStatements(this.connection, this.prepareThreshold);
		}
		catch (SQLException ex) {
			logger.warn("Could not release the migration lock (PostgreSQL releases it when the session ends): "
					+ ex.getMessage());
		}
		closeQuietly(this.connection, null);
	}

	private static void closeQuietly(Connection connection, @Nullable Exception primary) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			if (primary != null) {
				primary.addSuppressed(ex);
			}
			else {
				logger.warn("Could not close the migration lock's connection: " + ex.getMessage());
			}
		}
	}

}
