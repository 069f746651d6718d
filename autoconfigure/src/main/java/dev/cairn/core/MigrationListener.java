package dev.cairn.core;

import java.time.Duration;

/**
 * Hears what a run does, for logging, metrics and the endpoint; every method does nothing
 * unless overridden. A listener that throws is logged and never changes the outcome of
 * the run; {@link MigrationListeners} combines several.
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
	 * Called under the migration lock when a migrate run is about to apply migrations:
	 * after every check passed, before the {@code beforeMigrate} callbacks and the first
	 * pending migration; never for a run with nothing to apply. The place for a backup
	 * taken just before the schema changes.
	 * @param status the status before the run, its {@code pending()} the migrations about
	 * to run
	 */
	default void beforeApplying(MigrationStatus status) {
	}

	/**
	 * Called after each migration committed (or, for a non-transactional one, completed),
	 * and after each one a rollback undid.
	 * @param applied the migration and how long it took
	 */
	default void migrationApplied(MigrateResult.Applied applied) {
	}

	/**
	 * Called when a run of any verb (migrate, validate, rollback, baseline, repair)
	 * finished without error.
	 * @param result what the run did
	 */
	default void runFinished(MigrateResult result) {
	}

	/**
	 * Called when a run of any verb failed, just before its error is thrown.
	 * @param run the failed run and its error
	 */
	default void runFailed(FailedRun run) {
	}

}
