package dev.cairn.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A run of a {@link Migrator} verb that failed, as a {@link MigrationListener} hears of
 * it.
 *
 * @param operation the verb that failed
 * @param startedAt when the run started
 * @param finishedAt when it failed
 * @param lockWait how long it waited for the migration lock before it failed
 * @param error the error the run throws
 * @param status where the schema stands after the failure, or {@code null} when it could
 * not be read
 */
public record FailedRun(MigrateResult.Operation operation, Instant startedAt, Instant finishedAt, Duration lockWait,
		MigrationException error, @Nullable MigrationStatus status) {

	/**
	 * Returns the wall time of the run.
	 * @return the duration from start to failure
	 */
	public Duration duration() {
		return Duration.between(this.startedAt, this.finishedAt);
	}

}
