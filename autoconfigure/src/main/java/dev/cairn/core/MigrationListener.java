package dev.cairn.core;

import java.time.Duration;

/**
 * Hears what a run does, for logging and metrics; every method does nothing unless overridden.
 */
public interface MigrationListener {

	/** A listener that does nothing. */
	MigrationListener NONE = new MigrationListener() {
	};

	/**
	 * Called every few seconds while another session holds the migration lock.
	 * @param holder who holds it
	 * @param waited how long this run has waited so far
	 */
	default void lockWaiting(LockHolder holder, Duration waited) {
	}

	/**
	 * Called after each migration committed (or, for a non-transactional one, completed).
	 * @param applied the migration and how long it took
	 */
	default void migrationApplied(MigrateResult.Applied applied) {
	}

	/**
	 * Called when a run finished without error.
	 * @param result what the run did
	 */
	default void runFinished(MigrateResult result) {
	}

	/**
	 * Called when a run failed.
	 * @param failure the error the run throws
	 * @param lockWait how long the run waited for the lock before it failed
	 */
	default void runFailed(MigrationException failure, Duration lockWait) {
	}

}
