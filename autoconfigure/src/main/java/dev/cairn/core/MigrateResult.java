package dev.cairn.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What one run of a {@link Migrator} verb did: the migrations it applied, undid or
 * resumed, and where the schema stands afterwards.
 *
 * @param operation the verb that ran
 * @param startedAt when the run started
 * @param finishedAt when the run finished
 * @param lockWait how long the run waited for the migration lock
 * @param applied the migrations applied (or undone, for a rollback), in the order they
 * ran
 * @param status where the schema stands after the run
 * @param callbacks the callback files the run ran, in the order they ran
 */
public record MigrateResult(Operation operation, Instant startedAt, Instant finishedAt, Duration lockWait,
		List<Applied> applied, MigrationStatus status, List<String> callbacks) {

	public MigrateResult {
		applied = List.copyOf(applied);
		callbacks = List.copyOf(callbacks);
	}

	/**
	 * Creates the result of a run that ran no callback.
	 * @param operation the verb that ran
	 * @param startedAt when the run started
	 * @param finishedAt when the run finished
	 * @param lockWait how long the run waited for the migration lock
	 * @param applied the migrations applied (or undone), in the order they ran
	 * @param status where the schema stands after the run
	 */
	public MigrateResult(Operation operation, Instant startedAt, Instant finishedAt, Duration lockWait,
			List<Applied> applied, MigrationStatus status) {
		this(operation, startedAt, finishedAt, lockWait, applied, status, List.of());
	}

	/**
	 * Returns the wall time of the run.
	 * @return the duration from start to finish
	 */
	public Duration duration() {
		return Duration.between(this.startedAt, this.finishedAt);
	}

	/**
	 * Returns the highest applied version after the run.
	 * @return the version, or {@code null} if none is applied
	 */
	public @Nullable String currentVersion() {
		return this.status.current();
	}

	/**
	 * Returns every migration with its state after the run.
	 * @return the migrations, as {@link Migrator#info()} would return them
	 */
	public List<MigrationInfo> migrations() {
		return this.status.migrations();
	}

	/**
	 * The verbs that run under the migration lock and report to a
	 * {@link MigrationListener}.
	 */
	public enum Operation {

		/** Applies pending migrations. */
		MIGRATE,

		/** Checks the history against the files, applying nothing. */
		VALIDATE,

		/** Undoes applied migrations with their down files. */
		ROLLBACK,

		/**
		 * Records that an existing schema already holds the migrations up to a version.
		 */
		BASELINE,

		/** Resumes a failed migration or accepts an edited one. */
		REPAIR

	}

	/**
	 * One migration applied by the run.
	 *
	 * @param version the canonical version, or {@code null} for a repeatable migration
	 * @param description the description
	 * @param type how it was applied
	 * @param script the file name
	 * @param execution how long it took
	 */
	public record Applied(@Nullable String version, String description, MigrationType type, String script,
			Duration execution) {

	}

}
