package dev.cairn.actuate;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationStatus;
import dev.cairn.core.MigrationVersion;
import dev.cairn.core.Migrator;
import dev.cairn.core.TenantMigrations;
import dev.cairn.core.TenantRun;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@link Endpoint @Endpoint} that shows the schema version, every migration with its
 * state, and what the last run did; it reads the {@link MigrationSnapshot} taken at the
 * end of the run and never queries the database to read.
 * <p>
 * {@code POST /actuator/migrations/migrate|rollback|repair} change the database. The
 * endpoint is read-only unless
 * {@code management.endpoint.migrations.access=unrestricted}.
 */
@Endpoint(id = "migrations", defaultAccess = Access.READ_ONLY)
public class MigrationsEndpoint {

	private static final int SLOWEST = 5;

	private final MigrationSnapshot snapshot;

	private final MigrationOperations operations;

	private final @Nullable TenantMigrations tenants;

	/**
	 * Creates an endpoint over a snapshot.
	 * @param snapshot the recorded runs and migrations; it must be a listener of the
	 * migrator
	 * @param migrator the migrator that write operations run
	 */
	public MigrationsEndpoint(MigrationSnapshot snapshot, Migrator migrator) {
		this(snapshot, migrator, null);
	}

	/**
	 * Creates an endpoint over a snapshot and a fleet of tenants.
	 * @param snapshot the recorded runs and migrations of the main schema; it must be a
	 * listener of the migrator
	 * @param migrator the migrator that write operations run
	 * @param tenants the tenants, whose last runs the endpoint shows, or {@code null}
	 */
	public MigrationsEndpoint(MigrationSnapshot snapshot, Migrator migrator, @Nullable TenantMigrations tenants) {
		this.snapshot = snapshot;
		this.operations = new MigrationOperations(migrator);
		this.tenants = tenants;
	}

	/**
	 * Describes the schema and every migration.
	 * @return the description
	 */
	@ReadOperation
	public MigrationsDescriptor migrations() {
		MigrationStatus status = this.snapshot.status();
		Summary summary = Summary.of(status);
		return new MigrationsDescriptor(status.current(), summary, LastRun.of(this.snapshot.lastRun()),
				status.migrations().stream().map(MigrationDescriptor::of).toList(),
				(this.tenants != null) ? TenantsDescriptor.of(this.tenants.runs()) : null);
	}

	/**
	 * Describes one tenant: its last run and every migration of its schema.
	 * @param tenants the literal {@code tenants}
	 * @param name the tenant's name
	 * @return the tenant, or {@code null} (a 404) when there is no such tenant or it has
	 * not run
	 */
	@ReadOperation
	public @Nullable TenantDescriptor tenant(@Selector String tenants, @Selector String name) {
		if (this.tenants == null || !tenants.equals("tenants")) {
			return null;
		}
		TenantRun run = this.tenants.run(name);
		return (run != null) ? TenantDescriptor.of(run) : null;
	}

	/**
	 * Describes one migration.
	 * @param version the version ({@code 4} and {@code 004} are the same) or, for a
	 * repeatable migration, the script name
	 * @return the migration, or {@code null} (a 404) when there is none
	 */
	@ReadOperation
	public @Nullable MigrationDescriptor migration(@Selector String version) {
		for (MigrationInfo migration : this.snapshot.status().migrations()) {
			if (matches(migration, version)) {
				return MigrationDescriptor.of(migration);
			}
		}
		return null;
	}

	/**
	 * Runs {@code migrate}, {@code rollback} (with a {@code target} version to return to,
	 * a {@code count} of the newest migrations to undo, or {@code "count": "all"} to undo
	 * everything) or {@code repair}; the snapshot hears of the outcome, so the next read
	 * shows the new state.
	 * @param operation {@code migrate}, {@code rollback} or {@code repair}
	 * @param target for rollback, the version to return to
	 * @param count for rollback, how many of the newest migrations to undo, or
	 * {@code all}
	 * @return what changed and the new current version (200); the error when Cairn
	 * refused or failed (409); or what was wrong with the request (400)
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> operate(@Selector String operation, @Nullable String target,
			@Nullable String count) {
		return this.operations.run(operation, target, (count != null) ? count.strip() : null);
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
			List<MigrationDescriptor> migrations,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable TenantsDescriptor tenants)
			implements
				OperationResponseBody {

	}

	/**
	 * The fleet of tenants at a glance.
	 *
	 * @param count how many tenants the last fleet run listed
	 * @param states how many tenants ended their last run in each state
	 * @param failed the failed tenants with their errors
	 * @param slowest the tenants whose last run took longest, slowest first
	 */
	public record TenantsDescriptor(int count, Map<String, Integer> states, List<FailedTenant> failed,
			List<SlowTenant> slowest) {

		static TenantsDescriptor of(List<TenantRun> runs) {
			Map<String, Integer> states = new LinkedHashMap<>();
			for (TenantRun.State state : TenantRun.State.values()) {
				states.put(state.name(), 0);
			}
			runs.forEach((run) -> states.merge(run.state().name(), 1, Integer::sum));
			List<FailedTenant> failed = runs.stream()
				.filter((run) -> run.error() != null)
				.map((run) -> new FailedTenant(run.tenant(), RunError.of(run.error())))
				.toList();
			List<SlowTenant> slowest = runs.stream()
				.filter((run) -> run.startedAt() != null)
				.sorted(Comparator.comparing(TenantRun::duration).reversed())
				.limit(SLOWEST)
				.map((run) -> new SlowTenant(run.tenant(), run.duration().toMillis(), run.applied()))
				.toList();
			return new TenantsDescriptor(runs.size(), states, failed, slowest);
		}

	}

	/**
	 * A tenant whose last run failed.
	 *
	 * @param name the tenant
	 * @param error why it failed
	 */
	public record FailedTenant(String name, @Nullable RunError error) {

	}

	/**
	 * A tenant among the slowest of the last run.
	 *
	 * @param name the tenant
	 * @param durationMs how long its run took
	 * @param applied how many migrations it applied
	 */
	public record SlowTenant(String name, long durationMs, int applied) {

	}

	/**
	 * One tenant.
	 *
	 * @param name the tenant, which is its schema's name
	 * @param state how its last run ended
	 * @param currentVersion the highest applied version, or {@code null}
	 * @param applied how many migrations its last run applied
	 * @param startedAt when its last run started, or {@code null} when it did not start
	 * @param durationMs how long its last run took
	 * @param error why its last run failed, or {@code null}
	 * @param summary how many of its migrations are in each notable state
	 * @param migrations every migration of its schema in the order they apply
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record TenantDescriptor(String name, String state, @Nullable String currentVersion, int applied,
			@Nullable Instant startedAt, long durationMs, @Nullable RunError error, Summary summary,
			List<MigrationDescriptor> migrations) implements OperationResponseBody {

		static TenantDescriptor of(TenantRun run) {
			MigrationStatus status = run.status();
			return new TenantDescriptor(run.tenant(), run.state().name(), status.current(), run.applied(),
					run.startedAt(), run.duration().toMillis(), RunError.of(run.error()), Summary.of(status),
					status.migrations().stream().map(MigrationDescriptor::of).toList());
		}

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

		static Summary of(MigrationStatus status) {
			return new Summary(status.count(MigrationState.APPLIED), status.count(MigrationState.PENDING),
					status.count(MigrationState.FAILED), status.count(MigrationState.MODIFIED),
					status.count(MigrationState.MISSING));
		}

	}

	/**
	 * The last run.
	 *
	 * @param startedAt when it started
	 * @param finishedAt when it finished or failed
	 * @param durationMs how long it took
	 * @param applied how many migrations it applied
	 * @param lockWaitMs how long it waited for the migration lock
	 * @param callbacks the callback files it ran, in order
	 * @param error why it failed, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record LastRun(Instant startedAt, Instant finishedAt, long durationMs, int applied, long lockWaitMs,
			List<String> callbacks, @Nullable RunError error) {

		static @Nullable LastRun of(MigrationSnapshot.@Nullable Run run) {
			if (run == null) {
				return null;
			}
			return new LastRun(run.startedAt(), run.finishedAt(), run.duration().toMillis(), run.applied(),
					run.lockWait().toMillis(), run.callbacks(), RunError.of(run.error()));
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
	 * @param checksum the checksum of the file (or of the history row when the file is
	 * gone)
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

	/**
	 * What a write operation changed.
	 *
	 * @param operation {@code migrate}, {@code rollback} or {@code repair}
	 * @param currentVersion the highest applied version afterwards, or {@code null}
	 * @param migrations the migrations applied, undone or repaired, in the order it
	 * happened
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record OperationResult(String operation, @Nullable String currentVersion,
			List<Change> migrations) implements OperationResponseBody {

	}

	/**
	 * One migration a write operation applied, undid or repaired.
	 *
	 * @param version the version, or {@code null} for a repeatable migration
	 * @param script the file that ran (the down file for a rollback)
	 * @param outcome {@code applied}, {@code rolled back}, or what repair did, in a
	 * sentence
	 * @param executionMs how long it took, or {@code null} for a repair
	 */
	public record Change(@Nullable String version, String script, String outcome, @Nullable Long executionMs) {

	}

	/**
	 * Why a write operation did nothing or stopped.
	 *
	 * @param operation the operation asked for
	 * @param error what went wrong and what to do
	 */
	public record OperationFailure(String operation, RunError error) implements OperationResponseBody {

	}

}
