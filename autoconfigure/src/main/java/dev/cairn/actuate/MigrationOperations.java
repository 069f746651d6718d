package dev.cairn.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

import dev.cairn.actuate.MigrationsEndpoint.Change;
import dev.cairn.actuate.MigrationsEndpoint.OperationFailure;
import dev.cairn.actuate.MigrationsEndpoint.OperationResult;
import dev.cairn.actuate.MigrationsEndpoint.RunError;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationVersion;
import dev.cairn.core.Migrator;
import dev.cairn.core.RepairAction;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The endpoint's write side: runs one operation and turns Cairn's refusal into a 409 and
 * a malformed request into a 400. The snapshot the endpoint reads is a listener of the
 * migrator, so it already knows the outcome.
 */
final class MigrationOperations {

	private static final int STATUS_CONFLICT = 409;

	private final Migrator migrator;

	MigrationOperations(Migrator migrator) {
		this.migrator = migrator;
	}

	WebEndpointResponse<OperationResponseBody> run(String operation, @Nullable String target, @Nullable String count) {
		String usageProblem = usageProblem(operation, target, count);
		if (usageProblem != null) {
			return failure(operation, new RunError(usageProblem, null, null, null, null),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		try {
			OperationResult result = switch (operation) {
				case "migrate" -> result("migrate", this.migrator.migrate(), "applied");
				case "rollback" -> result("rollback", rollback(target, count), "rolled back");
				default -> repair();
			};
			return new WebEndpointResponse<>(result, WebEndpointResponse.STATUS_OK);
		}
		catch (MigrationException ex) {
			return failure(operation, Objects.requireNonNull(RunError.of(ex)), STATUS_CONFLICT);
		}
	}

	private MigrateResult rollback(@Nullable String target, @Nullable String count) {
		if (count == null) {
			return this.migrator.rollback(String.valueOf(target));
		}
		return isAll(count) ? this.migrator.rollbackAll() : this.migrator.rollbackLast(Integer.parseInt(count));
	}

	private OperationResult repair() {
		List<RepairAction> actions = this.migrator.repair();
		return new OperationResult("repair", this.migrator.status().current(),
				actions.stream()
					.map((action) -> new Change(action.version(), action.script(), action.action(), null))
					.toList());
	}

	private static OperationResult result(String operation, MigrateResult result, String outcome) {
		return new OperationResult(operation, result.currentVersion(), result.applied()
			.stream()
			.map((applied) -> new Change(applied.version(), applied.script(), outcome, applied.execution().toMillis()))
			.toList());
	}

	private static boolean isAll(String count) {
		return count.strip().toLowerCase(Locale.ROOT).equals("all");
	}

	private static @Nullable String usageProblem(String operation, @Nullable String target, @Nullable String count) {
		return switch (operation) {
			case "migrate",
					"repair" ->
				(target != null || count != null) ? operation
						+ " takes no target or count: it applies to every migration (migrate stops at cairn.target)"
						: null;
			case "rollback" -> {
				if (target == null && count == null) {
					yield "rollback needs {\"target\": \"<version>\"} to return to a version (it stays applied), "
							+ "{\"count\": 1} to undo the last migration, or {\"count\": \"all\"} to undo everything";
				}
				if (target != null && count != null) {
					yield "rollback takes either a target or a count, not both";
				}
				if (target != null && !MigrationVersion.isVersion(target)) {
					yield "'" + target + "' is not a version: use digits, optionally dotted (0, 3, 1.2)";
				}
				if (count != null && !isAll(count)
						&& !(count.strip().matches("\\d{1,9}") && Integer.parseInt(count.strip()) >= 1)) {
					yield "count must be a number of at least 1, or \"all\", not " + count;
				}
				yield null;
			}
			default -> "Unknown operation '" + operation + "': POST to /actuator/migrations/migrate, "
					+ "/actuator/migrations/rollback or /actuator/migrations/repair";
		};
	}

	private static WebEndpointResponse<OperationResponseBody> failure(String operation, RunError error, int status) {
		return new WebEndpointResponse<>(new OperationFailure(operation, error), status);
	}

}
