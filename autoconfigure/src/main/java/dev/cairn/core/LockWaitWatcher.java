package dev.cairn.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Watches the working connection's lock waits from the lock's own connection, so that a
 * statement that gives up after {@code lock_timeout} can name the sessions that blocked
 * it.
 * <p>
 * Once {@code lock_timeout} fires, the wait is over and {@code pg_blocking_pids} has
 * nothing left to say, and the error does not name the object it waited for. So while a
 * statement runs, a daemon thread asks every quarter of {@code lock_timeout} (and at
 * least four times a second) which sessions block the working backend, and keeps the last
 * answer; a statement that hit the timeout therefore waited through about three looks or
 * more. The look-up runs in autocommit on the lock's connection, which is otherwise idle
 * while migrations run, so it never holds a transaction that a concurrent index build
 * would wait for. (Behind a pooler that switches server sessions it runs in the lock's
 * own open transaction, which holds no snapshot between look-ups, and the watched pid is
 * the one each transaction of the working connection finds itself on.)
 */
final class LockWaitWatcher {

	private static final String BLOCKERS_SQL = """
			SELECT a.pid, a.state, a.application_name, date_trunc('second', now() - a.xact_start), a.query
			FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids(?)) ORDER BY a.pid""";

	private static final ScheduledThreadPoolExecutor scheduler = createScheduler();

	private static final Log logger = LogFactory.getLog(LockWaitWatcher.class);

	private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

	private final Connection connection;

	private volatile int watchedPid;

	private @Nullable ScheduledFuture<?> task;

	private List<String> lastSeen = List.of();

	private @Nullable String reportAs;

	private long started;

	private long nextReport;

	/**
	 * Creates a watcher.
	 * @param lockConnection the migration lock's connection, which the look-ups run on
	 * @param watchedPid the working connection's backend pid
	 */
	LockWaitWatcher(Connection lockConnection, int watchedPid) {
		this.connection = lockConnection;
		this.watchedPid = watchedPid;
	}

	/**
	 * Watches another backend from now on: behind a pooler, the server session a
	 * transaction of the working connection runs on.
	 * @param pid the backend's pid
	 */
	void watch(int pid) {
		this.watchedPid = pid;
	}

	private static ScheduledThreadPoolExecutor createScheduler() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "cairn-lock-wait-watcher");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		executor.setKeepAliveTime(1, TimeUnit.SECONDS);
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	/**
	 * Starts watching for the next statement, forgetting what an earlier one saw.
	 * @param lockTimeout the {@code lock_timeout} the statement runs with
	 * @param reportAs how to name the statement in a log line every few seconds while it
	 * waits, or {@code null} to log nothing
	 */
	synchronized void start(Duration lockTimeout, @Nullable String reportAs) {
		stop();
		this.lastSeen = List.of();
		this.reportAs = reportAs;
		this.started = System.nanoTime();
		this.nextReport = this.started + REPORT_EVERY.toNanos();
		long every = Math.min(Math.max(lockTimeout.toMillis() / 4, 20), 250);
		this.task = scheduler.scheduleWithFixedDelay(this::look, every, every, TimeUnit.MILLISECONDS);
	}

	/**
	 * Stops watching; once this returns, no look-up runs on the lock's connection.
	 */
	synchronized void stop() {
		if (this.task != null) {
			this.task.cancel(false);
			this.task = null;
		}
	}

	private synchronized void look() {
		if (this.task == null) {
			return;
		}
		try (PreparedStatement statement = this.connection.prepareStatement(BLOCKERS_SQL)) {
			statement.setInt(1, this.watchedPid);
			try (ResultSet result = statement.executeQuery()) {
				List<String> blockers = new ArrayList<>();
				while (result.next()) {
					blockers.add("pid " + result.getInt(1) + " (" + result.getString(2) + ", application_name '"
							+ result.getString(3) + "', transaction open for " + result.getString(4) + ", last query: "
							+ oneLine(result.getString(5)) + ")");
				}
				if (!blockers.isEmpty()) {
					this.lastSeen = List.copyOf(blockers);
					report(blockers);
				}
			}
		}
		catch (SQLException ex) {
			// Only a diagnostic: the run's own statements report what went wrong with the
			// database.
		}
	}

	/**
	 * Logs, every {@link #REPORT_EVERY} of a long wait, which sessions a statement that
	 * waits harmlessly (a concurrent index build waiting for older transactions) is
	 * waiting for, so that an operator can end them.
	 */
	private void report(List<String> blockers) {
		long now = System.nanoTime();
		if (this.reportAs == null || now < this.nextReport) {
			return;
		}
		this.nextReport = now + REPORT_EVERY.toNanos();
		logger.warn(this.reportAs + " has waited " + Duration.ofNanos(now - this.started).toSeconds() + " s for "
				+ String.join("; ", blockers) + " to end. It blocks no reads or writes while it waits; end that "
				+ "session to let it finish sooner.");
	}

	/**
	 * Marks a statement's failure with the blockers seen while it ran, for
	 * {@link #describe(Throwable)}.
	 * @param failure the statement's failure
	 */
	synchronized void note(SQLException failure) {
		failure.addSuppressed(new Blockers(this.lastSeen, this.watchedPid));
	}

	/**
	 * Says who blocked a statement that gave up after {@code lock_timeout}.
	 * @param failure the failure, marked by {@link #note(SQLException)} when a watcher
	 * saw it
	 * @return a clause for a log line or an error message, without a final period
	 */
	static String blockers(Throwable failure) {
		Blockers blockers = seen(failure);
		if (blockers == null) {
			return "No session was seen blocking it";
		}
		return "It was blocked by " + String.join("; ", blockers.seen);
	}

	/**
	 * Says what to do about the session that blocked a statement: the last sentence of
	 * its error message.
	 * @param failure the failure, marked by {@link #note(SQLException)} when a watcher
	 * saw it
	 * @return the sentence
	 */
	static String action(Throwable failure) {
		Blockers blockers = seen(failure);
		if (blockers == null) {
			return "Find the session that holds the lock with SELECT pid, state, query FROM pg_stat_activity WHERE "
					+ "pid = ANY (pg_blocking_pids(<pid>)) while the migration waits, let it finish or end it, then "
					+ "restart (or raise cairn.lock-retry-budget to keep trying longer).";
		}
		String first = blockers.seen.get(0);
		String pid = first.substring(4, first.indexOf(' ', 4));
		return "Let pid " + pid + " finish, or end it with SELECT pg_terminate_backend(" + pid + "), then restart "
				+ "(or raise cairn.lock-retry-budget to keep trying longer).";
	}

	private static @Nullable Blockers seen(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			for (Throwable suppressed : cause.getSuppressed()) {
				if (suppressed instanceof Blockers blockers && !blockers.seen.isEmpty()) {
					return blockers;
				}
			}
		}
		return null;
	}

	private static String oneLine(@Nullable String query) {
		if (query == null) {
			return "";
		}
		String line = query.strip().replaceAll("\\s+", " ");
		return (line.length() > 200) ? line.substring(0, 200) + "..." : line;
	}

	/**
	 * The blockers a watcher saw, carried as a suppressed exception of the statement's
	 * failure.
	 */
	static final class Blockers extends Exception {

		private final transient List<String> seen;

		Blockers(List<String> seen, int waitingPid) {
			super("Sessions seen blocking backend " + waitingPid + ": " + seen, null, false, false);
			this.seen = seen;
		}

	}

}
