package dev.cairn.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What one {@link Migrator#migrate()} run did.
 *
 * @param startedAt when the run started
 * @param finishedAt when the run finished
 * @param lockWait how long the run waited for the migration lock
 * @param applied the migrations applied, in the order they ran
 * @param currentVersion the highest applied version after the run, or {@code null} if none
 * @param migrations every migration with its state after the run, as {@link Migrator#info()} would return it
 */
public record MigrateResult(Instant startedAt, Instant finishedAt, Duration lockWait, List<Applied> applied,
		@Nullable String currentVersion, List<MigrationInfo> migrations) {

	public MigrateResult {
		applied = List.copyOf(applied);
		migrations = List.copyOf(migrations);
	}

	/**
	 * Returns the wall time of the run.
	 * @return the duration from start to finish
	 */
	public Duration duration() {
		return Duration.between(this.startedAt, this.finishedAt);
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
