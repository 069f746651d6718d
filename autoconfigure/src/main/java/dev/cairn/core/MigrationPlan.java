package dev.cairn.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The merge of what exists with what ran: one {@link MigrationInfo} per migration, each with its state, and the
 * list of what a run would apply. Pure: no I/O, so every state is unit-tested without a database.
 * <p>
 * For each version the latest history row decides: an applied row makes the file {@code APPLIED} (or
 * {@code MODIFIED} when its checksum changed since), a failed row makes it {@code FAILED}, and a {@code ROLLBACK}
 * row makes it pending again ({@code ROLLED_BACK} when its file is gone too). A row without a file is {@code MISSING}, or {@code FUTURE} when its version is above
 * every file (a newer release applied it). A file without a row is {@code PENDING}, {@code OUT_OF_ORDER} when a
 * higher version is already applied, or {@code BELOW_BASELINE}. A repeatable file is pending whenever its checksum
 * differs from its latest application.
 */
public final class MigrationPlan {

	private final List<MigrationInfo> migrations;

	private final List<ResolvedMigration> pending;

	private final List<String> problems;

	private final @Nullable String currentVersion;

	private MigrationPlan(List<MigrationInfo> migrations, List<ResolvedMigration> pending, List<String> problems,
			@Nullable String currentVersion) {
		this.migrations = List.copyOf(migrations);
		this.pending = List.copyOf(pending);
		this.problems = List.copyOf(problems);
		this.currentVersion = currentVersion;
	}

	/**
	 * Merges files and history.
	 * @param resolved every migration that exists, versioned in version order then repeatable by name
	 * @param history every history row in installed order
	 * @param settings the settings that decide what is tolerated
	 * @return the plan
	 */
	public static MigrationPlan of(List<ResolvedMigration> resolved, List<AppliedMigration> history,
			MigratorSettings settings) {
		Map<MigrationVersion, AppliedMigration> lastByVersion = new HashMap<>();
		Map<String, AppliedMigration> lastRepeatable = new HashMap<>();
		MigrationVersion baseline = null;
		for (AppliedMigration row : history) {
			if (row.version() == null) {
				lastRepeatable.put(row.description(), row);
				continue;
			}
			MigrationVersion version = parseStored(row);
			lastByVersion.put(version, row);
			if (row.type() == MigrationType.BASELINE) {
				baseline = version;
			}
		}
		MigrationVersion highestApplied = null;
		for (Map.Entry<MigrationVersion, AppliedMigration> entry : lastByVersion.entrySet()) {
			if (isApplied(entry.getValue())
					&& (highestApplied == null || entry.getKey().compareTo(highestApplied) > 0)) {
				highestApplied = entry.getKey();
			}
		}
		MigrationVersion highestFile = null;
		for (ResolvedMigration migration : resolved) {
			if (!migration.repeatable()) {
				highestFile = migration.version();
			}
		}
		MigrationVersion target = (settings.target() != null) ? MigrationVersion.parse(settings.target()) : null;

		Map<MigrationVersion, MigrationInfo> versioned = new LinkedHashMap<>();
		List<MigrationInfo> repeatables = new ArrayList<>();
		List<ResolvedMigration> pending = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		for (ResolvedMigration migration : resolved) {
			if (migration.repeatable()) {
				AppliedMigration row = lastRepeatable.remove(migration.description());
				boolean changed = row == null || !Objects.equals(migration.checksum(), row.checksum());
				if (changed) {
					pending.add(migration);
				}
				repeatables.add(info(migration, row, changed ? MigrationState.PENDING : MigrationState.APPLIED));
				continue;
			}
			AppliedMigration row = lastByVersion.remove(migration.version());
			MigrationState state = stateOf(migration, row, baseline, highestApplied);
			switch (state) {
				case PENDING -> {
					if (target == null || migration.version().compareTo(target) <= 0) {
						pending.add(migration);
					}
				}
				case OUT_OF_ORDER -> {
					if (settings.outOfOrder()) {
						if (target == null || migration.version().compareTo(target) <= 0) {
							pending.add(migration);
						}
					}
					else {
						problems.add("Migration " + migration.script() + " (version " + migration.version()
								+ ") is pending, but version " + highestApplied + " is already applied. Renumber it "
								+ "above " + highestApplied + ", or set cairn.out-of-order=true to apply it anyway.");
					}
				}
				case MODIFIED -> problems.add("Migration " + migration.script() + " (version " + migration.version()
						+ ") was changed after it was applied: it was applied with checksum " + row.checksum()
						+ ", the file now has " + migration.checksum() + ". Restore the file as it was applied "
						+ "(for example with git checkout), or, if the change is intentional and the database "
						+ "already matches it, run repair to accept the new checksum.");
				case FAILED -> problems.add(failedProblem(row));
				default -> {
				}
			}
			versioned.put(migration.version(), info(migration, row, state));
		}
		for (AppliedMigration row : lastByVersion.values()) {
			MigrationVersion version = parseStored(row);
			MigrationState state;
			if (row.type() == MigrationType.ROLLBACK) {
				state = MigrationState.ROLLED_BACK;
			}
			else if (row.type() == MigrationType.BASELINE) {
				state = MigrationState.BASELINE;
			}
			else if (!row.success()) {
				state = MigrationState.FAILED;
				problems.add(failedProblem(row));
			}
			else if (highestFile == null || version.compareTo(highestFile) > 0) {
				state = MigrationState.FUTURE;
			}
			else {
				state = MigrationState.MISSING;
				if (!settings.ignoreMissing()) {
					problems.add(missingProblem(row, settings));
				}
			}
			versioned.put(version, info(row, state));
		}
		for (AppliedMigration row : lastRepeatable.values()) {
			if (!settings.ignoreMissing()) {
				problems.add(missingProblem(row, settings));
			}
			repeatables.add(info(row, MigrationState.MISSING));
		}
		List<MigrationInfo> all = new ArrayList<>(versioned.values());
		all.sort((a, b) -> MigrationVersion.parse(a.version()).compareTo(MigrationVersion.parse(b.version())));
		repeatables.sort((a, b) -> a.description().compareTo(b.description()));
		all.addAll(repeatables);
		pending.sort((a, b) -> (a.repeatable() || b.repeatable()) ? Boolean.compare(a.repeatable(), b.repeatable())
				: a.version().compareTo(b.version()));
		return new MigrationPlan(all, pending, problems,
				(highestApplied != null) ? highestApplied.toString() : null);
	}

	private static MigrationVersion parseStored(AppliedMigration row) {
		try {
			return MigrationVersion.parse(row.version());
		}
		catch (IllegalArgumentException ex) {
			throw new MigrationException("Row " + row.installedRank() + " of the history table has version '"
					+ row.version() + "', which is not a version (" + row.script() + "). The table was edited by "
					+ "hand; restore the row's version from the file name.");
		}
	}

	private static boolean isApplied(AppliedMigration row) {
		return row.success() && row.type() != MigrationType.ROLLBACK;
	}

	private static MigrationState stateOf(ResolvedMigration migration, @Nullable AppliedMigration row,
			@Nullable MigrationVersion baseline, @Nullable MigrationVersion highestApplied) {
		if (row == null || row.type() == MigrationType.ROLLBACK) {
			if (baseline != null && migration.version().compareTo(baseline) <= 0) {
				return MigrationState.BELOW_BASELINE;
			}
			if (highestApplied != null && migration.version().compareTo(highestApplied) < 0) {
				return MigrationState.OUT_OF_ORDER;
			}
			return MigrationState.PENDING;
		}
		if (row.type() == MigrationType.BASELINE) {
			return MigrationState.BASELINE;
		}
		if (!row.success()) {
			return MigrationState.FAILED;
		}
		if (migration.checksum() == null && migration.type() == MigrationType.JAVA) {
			return MigrationState.APPLIED;
		}
		return Objects.equals(migration.checksum(), row.checksum()) ? MigrationState.APPLIED : MigrationState.MODIFIED;
	}

	private static String failedProblem(AppliedMigration row) {
		return "Migration " + row.script() + " (version " + row.version() + ") failed part way on "
				+ row.installedOn() + ": it runs outside a transaction, and " + row.statementsDone()
				+ " of its statements ran and stay applied. Fix what the failed statement left behind (for example "
				+ "drop an invalid index), then run repair: it resumes at the failed statement if the file is "
				+ "unchanged, or records the migration as done if you completed it by hand.";
	}

	private static String missingProblem(AppliedMigration row, MigratorSettings settings) {
		return "Migration " + row.script() + ((row.version() != null) ? " (version " + row.version() + ")" : "")
				+ " was applied on " + row.installedOn() + " but its file is gone from " + settings.locations()
				+ ". Restore the file, or set cairn.ignore-missing=true if it was removed on purpose.";
	}

	private static MigrationInfo info(ResolvedMigration migration, @Nullable AppliedMigration row,
			MigrationState state) {
		boolean ran = row != null && row.type() != MigrationType.ROLLBACK && state != MigrationState.PENDING;
		return new MigrationInfo((migration.version() != null) ? migration.version().toString() : null,
				migration.description(), migration.type(), migration.script(), state, migration.checksum(),
				(row != null) ? row.checksum() : null, ran ? row.installedRank() : null,
				ran ? row.installedBy() : null, ran ? row.installedOn() : null, ran ? row.executionMs() : null,
				migration.hasDown());
	}

	private static MigrationInfo info(AppliedMigration row, MigrationState state) {
		return new MigrationInfo(row.version(), row.description(), row.type(), row.script(), state, row.checksum(),
				row.checksum(), row.installedRank(), row.installedBy(), row.installedOn(), row.executionMs(), false);
	}

	/**
	 * Returns every migration with its state: versioned ones in version order, then repeatable ones by name.
	 * @return the merged list
	 */
	public List<MigrationInfo> migrations() {
		return this.migrations;
	}

	/**
	 * Returns what a run applies, in order: versioned ones by version, then changed repeatable ones by name.
	 * @return the migrations to apply
	 */
	public List<ResolvedMigration> pending() {
		return this.pending;
	}

	/**
	 * Returns why the history and the files disagree; a run refuses to start while there is any.
	 * @return one message per problem, each ending with what to do
	 */
	public List<String> problems() {
		return this.problems;
	}

	/**
	 * Returns the highest applied version.
	 * @return the version, or {@code null} when nothing is applied
	 */
	public @Nullable String currentVersion() {
		return this.currentVersion;
	}

}
