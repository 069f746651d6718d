package dev.cairn.core;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Finds the server session a test waits for, such as the one sleeping inside a migration.
 */
final class Sessions {

	/**
	 * A session of the database running a statement that starts with
	 * {@code SELECT pg_sleep}.
	 */
	static final String SLEEPING = "state = 'active' AND query LIKE 'SELECT pg_sleep%'";

	private Sessions() {
	}

	/**
	 * Waits up to 30 s until a session of the current database matches the condition.
	 * @param jdbc the current database
	 * @param condition a condition on {@code pg_stat_activity}, such as {@link #SLEEPING}
	 * @param alive whether waiting still makes sense (a child JVM still running, say)
	 * @param what what is awaited, and what to show when it never comes
	 * @return the session's pid
	 */
	static int await(JdbcTemplate jdbc, String condition, BooleanSupplier alive, Supplier<String> what) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline && alive.getAsBoolean()) {
			List<Integer> pids = jdbc.queryForList(
					"SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND " + condition,
					Integer.class);
			if (!pids.isEmpty()) {
				return pids.get(0);
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
		throw new AssertionError(what.get());
	}

}
