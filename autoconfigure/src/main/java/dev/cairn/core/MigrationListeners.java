package dev.cairn.core;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Listeners combined: every event goes to each listener in turn, and a listener that
 * throws is logged while neither the other listeners nor the run notice.
 */
public final class MigrationListeners implements MigrationListener {

	private static final Log logger = LogFactory.getLog(MigrationListener.class);

	private final List<MigrationListener> listeners;

	private MigrationListeners(List<? extends MigrationListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Combines listeners.
	 * @param listeners the listeners, in the order they hear events
	 * @return one listener that passes every event to each of them
	 */
	public static MigrationListeners of(List<? extends MigrationListener> listeners) {
		return new MigrationListeners(listeners);
	}

	static MigrationListener guard(MigrationListener listener) {
		return (listener instanceof MigrationListeners) ? listener : new MigrationListeners(List.of(listener));
	}

	@Override
	public void lockWaiting(LockHolder holder, Duration waited) {
		each("lockWaiting", (listener) -> listener.lockWaiting(holder, waited));
	}

	@Override
	public void beforeApplying(MigrationStatus status) {
		each("beforeApplying", (listener) -> listener.beforeApplying(status));
	}

	@Override
	public void migrationApplied(MigrateResult.Applied applied) {
		each("migrationApplied", (listener) -> listener.migrationApplied(applied));
	}

	@Override
	public void runFinished(MigrateResult result) {
		each("runFinished", (listener) -> listener.runFinished(result));
	}

	@Override
	public void runFailed(FailedRun run) {
		each("runFailed", (listener) -> listener.runFailed(run));
	}

	private void each(String event, Consumer<MigrationListener> call) {
		for (MigrationListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("MigrationListener " + listener.getClass().getName() + " failed in " + event + ": " + ex
						+ ". The run goes on as if it had not been called.", ex);
			}
		}
	}

}
