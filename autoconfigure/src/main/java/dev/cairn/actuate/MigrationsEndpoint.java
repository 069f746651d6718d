package dev.cairn.actuate;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.autoconfigure.MigrationSnapshot;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationVersion;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@link Endpoint @Endpoint} that shows the schema version, every migration with its state, and what the last run
 * did; it reads the {@link MigrationSnapshot} taken at the end of the run and never queries the database.
 */
@Endpoint(id = "migrations")
public class MigrationsEndpoint {

	private final MigrationSnapshot snapshot;

	/**
	 * Creates an endpoint over a snapshot.
	 * @param snapshot the recorded runs and migrations
	 */
	public MigrationsEndpoint(MigrationSnapshot snapshot) {
		this.snapshot = snapshot;
	}

	/**
	 * Describes the schema and every migration.
	 * @return the description
	 */
	@ReadOperation
	public MigrationsDescriptor migrations() {
		List<MigrationInfo> migrations = this.snapshot.migrations();
		Summary summary = new Summary(this.snapshot.count(MigrationState.APPLIED),
				this.snapshot.count(MigrationState.PENDING), this.snapshot.count(MigrationState.FAILED),
				this.snapshot.count(MigrationState.MODIFIED), this.snapshot.count(MigrationState.MISSING));
		return new MigrationsDescriptor(this.snapshot.currentVersion(), summary, LastRun.of(this.snapshot.lastRun()),
				migrations.stream().map(MigrationDescriptor::of).toList());
	}

	/**
	 * Describes one migration.
	 * @param version the version ({@code 4} and {@code 004} are the same) or, for a repeatable migration, the
	 * script name
	 * @return the migration, or {@code null} (a 404) when there is none
	 */
	@ReadOperation
	public @Nullable MigrationDescriptor migration(@Selector String version) {
		for (MigrationInfo migration : this.snapshot.migrations()) {
			if (matches(migration, version)) {
				return MigrationDescriptor.of(migration);
			}
		}
		return null;
	}

	private static boolean matches(MigrationInfo migration, String selector) {
		if (migration.script().equals(selector)) {
			return true;
		}
		return migration.version() != null && MigrationVersion.isVersion(selector)
				&& MigrationVersion.parse(selector).equals(MigrationVersion.parse(migration.version()));
	}

	/**
	 * The whole response.
	 *
	 * @param currentVersion the highest applied version, or {@code null}
	 * @param summary how many migrations are in each notable state
	 * @param lastRun what the last run did, or {@code null} when none ran
	 * @param migrations every migration in the order they apply
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record MigrationsDescriptor(@Nullable String currentVersion, Summary summary, @Nullable LastRun lastRun,
			List<MigrationDescriptor> migrations) implements OperationResponseBody {

	}

	/**
	 * Counts of migrations per state.
	 *
	 * @param applied applied and unchanged
	 * @param pending waiting to be applied
	 * @param failed stopped part way
	 * @param modified changed since they were applied
	 * @param missing applied but their files are gone
	 */
	public record Summary(int applied, int pending, int failed, int modified, int missing) {

	}

	/**
	 * The last run.
	 *
	 * @param startedAt when it started
	 * @param finishedAt when it finished or failed
	 * @param durationMs how long it took
	 * @param applied how many migrations it applied
	 * @param lockWaitMs how long it waited for the migration lock
	 * @param error why it failed, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record LastRun(Instant startedAt, Instant finishedAt, long durationMs, int applied, long lockWaitMs,
			@Nullable RunError error) {

		static @Nullable LastRun of(MigrationSnapshot.@Nullable Run run) {
			if (run == null) {
				return null;
			}
			return new LastRun(run.startedAt(), run.finishedAt(), run.duration().toMillis(), run.applied(),
					run.lockWait().toMillis(), RunError.of(run.error()));
		}

	}

	/**
	 * Why a run failed.
	 *
	 * @param message the whole message
	 * @param script the file, or {@code null}
	 * @param line the 1-based line, or {@code null} when unknown
	 * @param column the 1-based column, or {@code null} when unknown
	 * @param sqlState the SQLSTATE, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record RunError(String message, @Nullable String script, @Nullable Integer line, @Nullable Integer column,
			@Nullable String sqlState) {

		static @Nullable RunError of(@Nullable MigrationException error) {
			if (error == null) {
				return null;
			}
			return new RunError(String.valueOf(error.getMessage()), error.getScript(),
					(error.getLine() > 0) ? error.getLine() : null, (error.getColumn() > 0) ? error.getColumn() : null,
					error.getSqlState());
		}

	}

	/**
	 * One migration.
	 *
	 * @param version the version, or {@code null} for a repeatable migration
	 * @param description the description
	 * @param type how it was or will be applied
	 * @param script the file name
	 * @param state where it stands
	 * @param checksum the checksum of the file (or of the history row when the file is gone)
	 * @param installedRank the history rank, or {@code null} if not applied
	 * @param installedBy the database user that applied it, or {@code null}
	 * @param installedOn when it was applied, or {@code null}
	 * @param executionMs how long applying it took, or {@code null}
	 * @param hasDown whether a down file exists
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record MigrationDescriptor(@Nullable String version, String description, String type, String script,
			String state, @Nullable String checksum, @Nullable Integer installedRank, @Nullable String installedBy,
			@Nullable Instant installedOn, @Nullable Integer executionMs,
			boolean hasDown) implements OperationResponseBody {

		static MigrationDescriptor of(MigrationInfo info) {
			return new MigrationDescriptor(info.version(), info.description(), info.type().name(), info.script(),
					info.state().name(), info.checksum(), info.installedRank(), info.installedBy(), info.installedOn(),
					info.executionMs(), info.hasDown());
		}

	}

}
