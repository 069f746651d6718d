package dev.cairn.autoconfigure;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationStatus;
import dev.cairn.core.MigrationType;
import dev.cairn.core.MigrationVersion;
import dev.cairn.core.PlannedMigration;
import dev.cairn.core.RepairAction;
import dev.cairn.core.TenantRun;
import org.jspecify.annotations.Nullable;

/**
 * Writes what a {@code cairn.command} did as plain text for a terminal or a job log: a
 * sentence, then a table.
 */
final class CommandPrinter {

	private CommandPrinter() {
	}

	static String status(MigrationStatus status) {
		List<MigrationInfo> migrations = status.migrations();
		StringBuilder text = new StringBuilder();
		text.append("Schema version: ").append(version(status.current())).append('\n');
		text.append("Applied: ").append(status.count(MigrationState.APPLIED));
		text.append(", pending: ").append(status.count(MigrationState.PENDING));
		text.append(", failed: ").append(status.count(MigrationState.FAILED));
		text.append(", modified: ").append(status.count(MigrationState.MODIFIED));
		text.append(", missing: ").append(status.count(MigrationState.MISSING)).append("\n\n");
		if (migrations.isEmpty()) {
			return text.append("No migrations found.\n").toString();
		}
		List<List<String>> rows = new ArrayList<>();
		for (MigrationInfo migration : migrations) {
			rows.add(List.of(text(migration.version()), migration.description(), migration.type().name(),
					migration.state().name(), instant(migration.installedOn()), text(migration.executionMs()),
					migration.hasDown() ? "yes" : "no"));
		}
		return text
			.append(table(
					List.of("Version", "Description", "Type", "State", "Installed on", "Execution ms", "Has down"),
					rows))
			.toString();
	}

	static String migrated(MigrateResult result) {
		int count = result.applied().size();
		if (count == 0) {
			return "Schema up to date at version " + version(result.currentVersion()) + ": nothing to apply.\n";
		}
		return "Applied " + migrations(count) + " in " + result.duration().toMillis() + " ms; schema now at version "
				+ version(result.currentVersion()) + ".\n\n" + changes(result);
	}

	static String tenants(List<TenantRun> runs) {
		List<List<String>> rows = new ArrayList<>();
		for (TenantRun run : runs) {
			MigrationException error = run.error();
			rows.add(List.of(run.tenant(), run.state().name(), String.valueOf(run.applied()),
					version(run.status().current()), String.valueOf(run.duration().toMillis()),
					(error != null) ? firstLine(error) : ""));
		}
		return "\n" + table(List.of("Tenant", "State", "Applied", "Version", "Duration ms", "Error"), rows);
	}

	private static String firstLine(MigrationException error) {
		String message = String.valueOf(error.getMessage());
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

	static String rolledBack(MigrateResult result, @Nullable String target) {
		int count = result.applied().size();
		String baseline = baselineAbove(result.status(), target);
		String stopped = (baseline != null) ? "Stopped at the baseline at version " + baseline + ": the schema up to "
				+ "it was there before Cairn, which never ran those migrations and cannot undo them.\n" : "";
		if (count == 0) {
			return "Nothing to roll back; schema at version " + version(result.currentVersion()) + ".\n" + stopped;
		}
		return "Rolled back " + migrations(count) + " in " + result.duration().toMillis()
				+ " ms; schema now at version " + version(result.currentVersion()) + ".\n" + stopped + "\n"
				+ changes(result);
	}

	/**
	 * Returns the baseline version when a rollback ended at it, having been asked to go
	 * further (below it, or to undo everything).
	 */
	private static @Nullable String baselineAbove(MigrationStatus status, @Nullable String target) {
		for (MigrationInfo migration : status.migrations()) {
			if (migration.state() == MigrationState.BASELINE && migration.version() != null
					&& migration.version().equals(status.current())
					&& (target == null || MigrationVersion.parse(migration.version())
						.compareTo(MigrationVersion.parse(target)) > 0)) {
				return migration.version();
			}
		}
		return null;
	}

	static String planned(List<PlannedMigration> planned, @Nullable String currentVersion) {
		if (planned.isEmpty()) {
			return "Nothing to apply: schema up to date at version " + version(currentVersion) + ".\n";
		}
		StringBuilder text = new StringBuilder();
		long count = planned.stream().filter((migration) -> migration.type() != MigrationType.CALLBACK).count();
		if (count == 0) {
			text.append("Nothing to apply to the schema at version ")
				.append(version(currentVersion))
				.append("; the callbacks would run (plan only: nothing was run).\n");
		}
		else {
			text.append(migrations((int) count))
				.append(" would be applied to the schema at version ")
				.append(version(currentVersion))
				.append(" (plan only: nothing was run).\n");
		}
		for (PlannedMigration migration : planned) {
			text.append("\n-- ").append(migration.script());
			if (migration.version() != null) {
				text.append(" (version ").append(migration.version()).append(')');
			}
			if (migration.type() == MigrationType.CALLBACK) {
				text.append(": callback (").append(migration.description()).append("), runs in its own transaction\n");
			}
			else {
				text.append(migration.transactional() ? ": runs in one transaction\n"
						: ": runs outside a transaction (cairn:no-transaction), statement by statement\n");
			}
			text.append(migration.sql());
		}
		return text.toString();
	}

	static String baselined(MigrationInfo baseline) {
		return "Recorded a baseline at version " + baseline.version() + ": migrations up to it will never run, later "
				+ "ones are pending.\n";
	}

	static String repaired(List<RepairAction> actions) {
		if (actions.isEmpty()) {
			return "Nothing to repair: no failed or modified migration.\n";
		}
		List<List<String>> rows = new ArrayList<>();
		for (RepairAction action : actions) {
			rows.add(List.of(text(action.version()), action.script(), action.action()));
		}
		return "Repaired " + migrations(actions.size()) + ".\n\n" + table(List.of("Version", "Script", "Repair"), rows);
	}

	static String valid(MigrationStatus status) {
		return "Valid: schema at version " + version(status.current()) + ", " + status.count(MigrationState.APPLIED)
				+ " applied, nothing pending, failed, modified or missing.\n";
	}

	static String invalid(MigrationStatus status, @Nullable String engineMessage) {
		List<MigrationInfo> problems = new ArrayList<>(status.pending());
		status.problems().forEach((problem) -> problems.add(problem.migration()));
		problems.sort((a, b) -> Integer.compare(status.migrations().indexOf(a), status.migrations().indexOf(b)));
		StringBuilder text = new StringBuilder("Validation failed");
		if (!problems.isEmpty()) {
			text.append(": ")
				.append(migrations(problems.size()))
				.append(' ')
				.append((problems.size() == 1) ? "needs" : "need")
				.append(" attention.\n\n");
			List<List<String>> rows = new ArrayList<>();
			for (MigrationInfo migration : problems) {
				rows.add(List.of(text(migration.version()), migration.script(), migration.state().name()));
			}
			text.append(table(List.of("Version", "Script", "State"), rows));
		}
		else {
			text.append(".\n");
		}
		if (engineMessage != null) {
			text.append('\n').append(engineMessage).append('\n');
		}
		return text.toString();
	}

	private static String changes(MigrateResult result) {
		List<List<String>> rows = new ArrayList<>();
		for (MigrateResult.Applied applied : result.applied()) {
			rows.add(List.of(text(applied.version()), applied.description(), applied.type().name(), applied.script(),
					String.valueOf(applied.execution().toMillis())));
		}
		return table(List.of("Version", "Description", "Type", "Script", "Execution ms"), rows);
	}

	/**
	 * Lays out rows under headers in columns two spaces apart; the last column is not
	 * padded.
	 */
	static String table(List<String> headers, List<List<String>> rows) {
		int[] widths = new int[headers.size()];
		List<List<String>> all = new ArrayList<>();
		all.add(headers);
		all.addAll(rows);
		for (List<String> row : all) {
			for (int i = 0; i < row.size(); i++) {
				widths[i] = Math.max(widths[i], row.get(i).length());
			}
		}
		StringBuilder text = new StringBuilder();
		for (List<String> row : all) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < row.size(); i++) {
				line.append(
						(i < row.size() - 1) ? String.format("%-" + (widths[i] + 2) + "s", row.get(i)) : row.get(i));
			}
			text.append(line.toString().stripTrailing()).append('\n');
		}
		return text.toString();
	}

	private static String migrations(int count) {
		return count + ((count == 1) ? " migration" : " migrations");
	}

	private static String version(@Nullable String version) {
		return (version != null) ? version : "<none>";
	}

	private static String text(@Nullable Object value) {
		return (value != null) ? value.toString() : "";
	}

	private static String instant(@Nullable Instant instant) {
		return (instant != null) ? instant.truncatedTo(ChronoUnit.SECONDS).toString() : "";
	}

}
