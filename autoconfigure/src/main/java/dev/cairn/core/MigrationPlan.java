package dev.cairn.core;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The merge of what exists with what ran: one {@link MigrationInfo} per migration, each
 * with its state, and the list of what a run would apply. Pure: no I/O, so every state is
 * unit-tested without a database.
 * <p>
 * For each version the latest history row decides: an applied row makes the file
 * {@code APPLIED} (or {@code MODIFIED} when its checksum changed since), a failed row
 * makes it {@code FAILED}, and a {@code ROLLBACK} row makes it pending again
 * ({@code ROLLED_BACK} when its file is gone too). A row without a file is
 * {@code MISSING}, or {@code FUTURE} when its version is above every file (a newer
 * release applied it). A file without a row is {@code PENDING}, {@code OUT_OF_ORDER} when
 * a higher version is already applied, or {@code BELOW_BASELINE}. A repeatable file is
 * pending whenever its checksum differs from its latest application.
 */
final class MigrationPlan {

	private final List<ResolvedMigration> pending;

	private final MigrationStatus status;

	private MigrationPlan(List<ResolvedMigration> pending, MigrationStatus status) {
		this.pending = List.copyOf(pending);
		this.status = status;
	}

	/**
	 * Merges files and history.
	 * @param resolved every migration that exists, versioned in version order then
	 * repeatable by name
	 * @param history every history row in installed order
	 * @param settings the settings that decide what is tolerated
	 * @return the plan
	 */
	static MigrationPlan of(List<ResolvedMigration> resolved, List<AppliedMigration> history,
			MigratorSettings settings) {
		return of(resolved, history, settings, Map.of());
	}

	/**
	 * Merges files and history, showing what changed in each modified migration whose
	 * applied text is known.
	 * @param resolved every migration that exists, versioned in version order then
	 * repeatable by name
	 * @param history every history row in installed order
	 * @param settings the settings that decide what is tolerated
	 * @param appliedTexts the normalised text each history row (by installed rank)
	 * applied, where it was kept
	 * @return the plan
	 */
	static MigrationPlan of(List<ResolvedMigration> resolved, List<AppliedMigration> history, MigratorSettings settings,
			Map<Integer, String> appliedTexts) {
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
		List<MigrationStatus.Problem> problems = new ArrayList<>();
		Map<ResolvedMigration, MigrationInfo> infos = new IdentityHashMap<>();
		for (ResolvedMigration migration : resolved) {
			if (migration.repeatable()) {
				AppliedMigration row = lastRepeatable.remove(migration.description());
				boolean changed = row == null || !Objects.equals(migration.checksum(), row.checksum());
				if (changed) {
					pending.add(migration);
				}
				MigrationInfo info = info(migration, row, changed ? MigrationState.PENDING : MigrationState.APPLIED);
				infos.put(migration, info);
				repeatables.add(info);
				continue;
			}
			AppliedMigration row = lastByVersion.remove(migration.version());
			MigrationState state = stateOf(migration, row, baseline, highestApplied);
			MigrationInfo info = info(migration, row, state);
			infos.put(migration, info);
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
						problems.add(new MigrationStatus.Problem(info,
								"Migration " + migration.script() + " (version " + migration.version()
										+ ") is pending, but version " + highestApplied + " is already "
										+ "applied. Renumber it above " + highestApplied
										+ ", or set cairn.out-of-order=true " + "to apply it anyway."));
					}
				}
				case MODIFIED -> problems.add(new MigrationStatus.Problem(info,
						ProblemMessages.modified(migration, row, appliedTexts.get(row.installedRank()))));
				case FAILED -> problems.add(new MigrationStatus.Problem(info, ProblemMessages.failed(row)));
				default -> {
				}
			}
			versioned.put(migration.version(), info);
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
			}
			else if (highestFile == null || version.compareTo(highestFile) > 0) {
				state = MigrationState.FUTURE;
			}
			else {
				state = MigrationState.MISSING;
			}
			MigrationInfo info = info(row, state);
			if (state == MigrationState.FAILED) {
				problems.add(new MigrationStatus.Problem(info, ProblemMessages.failed(row)));
			}
			else if (state == MigrationState.MISSING && !settings.ignoreMissing()) {
				problems.add(new MigrationStatus.Problem(info, ProblemMessages.missing(row, settings)));
			}
			versioned.put(version, info);
		}
		for (AppliedMigration row : lastRepeatable.values()) {
			MigrationInfo info = info(row, MigrationState.MISSING);
			if (!settings.ignoreMissing()) {
				problems.add(new MigrationStatus.Problem(info, ProblemMessages.missing(row, settings)));
			}
			repeatables.add(info);
		}
		List<Map.Entry<MigrationVersion, MigrationInfo>> byVersion = new ArrayList<>(versioned.entrySet());
		byVersion.sort(Map.Entry.comparingByKey());
		List<MigrationInfo> all = new ArrayList<>(byVersion.size() + repeatables.size());
		byVersion.forEach((entry) -> all.add(entry.getValue()));
		repeatables.sort((a, b) -> a.description().compareTo(b.description()));
		all.addAll(repeatables);
		pending.sort((a, b) -> (a.repeatable() || b.repeatable()) ? Boolean.compare(a.repeatable(), b.repeatable())
				: a.version().compareTo(b.version()));
		List<MigrationInfo> pendingInfo = new ArrayList<>();
		for (ResolvedMigration migration : pending) {
			pendingInfo.add(infos.get(migration));
		}
		return new MigrationPlan(pending, new MigrationStatus(all, pendingInfo, problems,
				(highestApplied != null) ? highestApplied.toString() : null));
	}

	/**
	 * Merges files and history, then, when some migrations were modified, merges again
	 * with the texts they were applied with, so that their problems show what changed.
	 * @param resolved every migration that exists
	 * @param history every history row in installed order
	 * @param settings the settings that decide what is tolerated
	 * @param texts reads the applied texts of the rows with the given installed ranks
	 * @return the plan
	 */
	static MigrationPlan of(List<ResolvedMigration> resolved, List<AppliedMigration> history, MigratorSettings settings,
			AppliedTexts texts) throws SQLException {
		MigrationPlan plan = of(resolved, history, settings);
		List<Integer> modified = plan.status()
			.migrations()
			.stream()
			.filter((info) -> info.state() == MigrationState.MODIFIED && info.installedRank() != null)
			.map(MigrationInfo::installedRank)
			.toList();
		return modified.isEmpty() ? plan : of(resolved, history, settings, texts.read(modified));
	}

	/**
	 * Reads the texts that history rows applied.
	 */
	@FunctionalInterface
	interface AppliedTexts {

		Map<Integer, String> read(List<Integer> installedRanks) throws SQLException;

	}

	private static MigrationVersion parseStored(AppliedMigration row) {
		try {
			return MigrationVersion.parse(row.version());
		}
		catch (MigrationException ex) {
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

	private static MigrationInfo info(ResolvedMigration migration, @Nullable AppliedMigration row,
			MigrationState state) {
		boolean ran = row != null && row.type() != MigrationType.ROLLBACK && state != MigrationState.PENDING;
		return new MigrationInfo((migration.version() != null) ? migration.version().toString() : null,
				migration.description(), migration.type(), migration.script(), state, migration.checksum(),
				(row != null) ? row.checksum() : null, ran ? row.installedRank() : null, ran ? row.installedBy() : null,
				ran ? row.installedOn() : null, ran ? row.executionMs() : null, migration.hasDown());
	}

	private static MigrationInfo info(AppliedMigration row, MigrationState state) {
		return new MigrationInfo(row.version(), row.description(), row.type(), row.script(), state, row.checksum(),
				row.checksum(), row.installedRank(), row.installedBy(), row.installedOn(), row.executionMs(), false);
	}

	/**
	 * Returns what a run applies, in order: versioned ones by version, then changed
	 * repeatable ones by name.
	 * @return the migrations to apply
	 */
	List<ResolvedMigration> pending() {
		return this.pending;
	}

	/**
	 * Returns the status: every migration with its state, the current version, the
	 * pending ones and the problems.
	 * @return the status
	 */
	MigrationStatus status() {
		return this.status;
	}

}
