package dev.cairn.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.cairn.actuate.MigrationsEndpoint.Change;
import dev.cairn.actuate.MigrationsEndpoint.OperationFailure;
import dev.cairn.actuate.MigrationsEndpoint.OperationResult;
import dev.cairn.actuate.MigrationsEndpoint.RunError;
import dev.cairn.autoconfigure.MigrationSnapshot;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationVersion;
import dev.cairn.core.Migrator;
import dev.cairn.core.RepairAction;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The endpoint's write side: runs one operation, refreshes the snapshot so that the next read shows the new state,
 * and turns Cairn's refusal into a 409 and a malformed request into a 400.
 */
final class MigrationOperations {

	private static final int STATUS_CONFLICT = 409;

	private final Migrator migrator;

	private final MigrationSnapshot snapshot;

	MigrationOperations(Migrator migrator, MigrationSnapshot snapshot) {
		this.migrator = migrator;
		this.snapshot = snapshot;
	}

	WebEndpointResponse<OperationResponseBody> run(String operation, @Nullable String target, @Nullable Integer count) {
		String usageProblem = usageProblem(operation, target, count);
		if (usageProblem != null) {
			return failure(operation, new RunError(usageProblem, null, null, null, null),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		try {
			OperationResult result = switch (operation) {
				case "migrate" -> migrate();
				case "rollback" -> rollback(target, count);
				default -> repair();
			};
			return new WebEndpointResponse<>(result, WebEndpointResponse.STATUS_OK);
		}
		catch (MigrationException ex) {
			return failure(operation, Objects.requireNonNull(RunError.of(ex)), STATUS_CONFLICT);
		}
	}

	OperationResult migrate() {
		Instant startedAt = Instant.now();
		try {
			MigrateResult result = this.migrator.migrate();
			this.snapshot.recordRun(result);
			return result("migrate", changes(result, "applied"));
		}
		catch (MigrationException ex) {
			this.snapshot.recordFailure(startedAt, Instant.now(), ex, infoAfterFailure());
			throw ex;
		}
	}

	OperationResult rollback(@Nullable String target, @Nullable Integer count) {
		try {
			MigrateResult result = (count != null) ? this.migrator.rollbackLast(count)
					: this.migrator.rollback(String.valueOf(target));
			this.snapshot.recordInfo(result.migrations());
			return result("rollback", changes(result, "rolled back"));
		}
		catch (MigrationException ex) {
			this.snapshot.recordInfo(infoAfterFailure());
			throw ex;
		}
	}

	OperationResult repair() {
		try {
			List<RepairAction> actions = this.migrator.repair();
			this.snapshot.recordInfo(this.migrator.info());
			return result("repair", actions.stream()
				.map((action) -> new Change(action.version(), action.script(), action.action(), null))
				.toList());
		}
		catch (MigrationException ex) {
			this.snapshot.recordInfo(infoAfterFailure());
			throw ex;
		}
	}

	private OperationResult result(String operation, List<Change> changes) {
		return new OperationResult(operation, this.snapshot.currentVersion(), changes);
	}

	private static List<Change> changes(MigrateResult result, String outcome) {
		return result.applied()
			.stream()
			.map((applied) -> new Change(applied.version(), applied.script(), outcome,
					applied.execution().toMillis()))
			.toList();
	}

	private List<MigrationInfo> infoAfterFailure() {
		try {
			return this.migrator.info();
		}
		catch (RuntimeException ex) {
			// The operation's own failure is what the response reports.
			return this.snapshot.migrations();
		}
	}

	private static @Nullable String usageProblem(String operation, @Nullable String target, @Nullable Integer count) {
		return switch (operation) {
			case "migrate", "repair" -> (target != null || count != null) ? operation
					+ " takes no target or count: it applies to every migration (migrate stops at cairn.target)" : null;
			case "rollback" -> {
				if (target == null && count == null) {
					yield "rollback needs {\"target\": \"0\"} to undo everything, {\"target\": \"<version>\"} to "
							+ "return to a version, or {\"count\": 1} to undo the last migration";
				}
				if (target != null && count != null) {
					yield "rollback takes either a target or a count, not both";
				}
				if (target != null && !MigrationVersion.isVersion(target)) {
					yield "'" + target + "' is not a version: use digits, optionally dotted (0, 3, 1.2)";
				}
				yield (count != null && count < 1) ? "count must be at least 1, not " + count : null;
			}
			default -> "Unknown operation '" + operation + "': POST to /actuator/migrations/migrate, "
					+ "/actuator/migrations/rollback or /actuator/migrations/repair";
		};
	}

	private static WebEndpointResponse<OperationResponseBody> failure(String operation, RunError error, int status) {
		return new WebEndpointResponse<>(new OperationFailure(operation, error), status);
	}

}
