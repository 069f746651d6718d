package dev.cairn.core;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Repairs what stops a run, and never records as applied a statement that did not run
 * unless told to.
 * <p>
 * A failed non-transactional migration is resumed at the statement after the last one
 * that ran, with the file as it stands: unchanged, or edited to fix the failed statement,
 * as long as the statements that already ran are unchanged (compared with the text the
 * history kept when it failed). One whose already-run statements changed is refused,
 * naming the statement; {@code markApplied} names the versions the user completed by
 * hand, which are then recorded without running anything. An applied migration whose file
 * was edited has its new checksum accepted; none of the edit runs, and the result says
 * so. Every decision is made before anything is recorded, so a refusal leaves the history
 * as it was.
 */
final class Repair {

	private static final Log logger = LogFactory.getLog(Repair.class);

	private Repair() {
	}

	static List<RepairAction> run(LockedRun run, Set<MigrationVersion> markApplied) throws SQLException {
		List<Step> steps = new ArrayList<>();
		for (MigrationInfo info : run.plan().status().migrations()) {
			Step step = switch (info.state()) {
				case FAILED -> failed(run, info, markApplied.contains(MigrationVersion.parse(info.version())));
				case MODIFIED -> modified(run, info);
				default -> null;
			};
			if (step != null) {
				steps.add(step);
			}
		}
		List<RepairAction> actions = new ArrayList<>();
		for (Step step : steps) {
			step.body.run();
			RepairAction action = new RepairAction(step.info.version(), step.info.script(), step.action);
			actions.add(action);
			logger.info("Repaired " + action.script() + ": " + action.action());
		}
		return actions;
	}

	private static Step failed(LockedRun run, MigrationInfo info, boolean markApplied) throws SQLException {
		String version = Objects.requireNonNull(info.version());
		ResolvedMigration migration = run.resolved(version);
		if (migration == null) {
			return new Step(info, "its file is gone: recorded as not applied",
					() -> run.insert(new HistoryTable.Row(version, info.description(), MigrationType.ROLLBACK,
							info.script(), info.appliedChecksum())));
		}
		AppliedMigration failedRow = run.lastRow(version);
		int from = (failedRow.statementsDone() != null) ? failedRow.statementsDone() : 0;
		SqlScript script = SqlScript.parse(migration.script(), migration.text());
		int total = script.statements().size();
		if (markApplied) {
			return new Step(info,
					"recorded as applied without running " + ProblemMessages.statements(from + 1, total)
							+ ", as cairn.repair.mark-applied=" + version + " asked (you completed it by hand)",
					() -> run.insert(new HistoryTable.Row(version, info.description(), MigrationType.REPAIR,
							migration.script(), migration.checksum())));
		}
		boolean edited = !Objects.equals(migration.checksum(), info.appliedChecksum());
		if (edited) {
			refuseIfRunPartChanged(run, migration, failedRow, script, from);
		}
		String action = (edited ? "resumed the edited file at statement " : "resumed at statement ") + (from + 1)
				+ " of " + total + " and completed it" + (edited ? " (" + ProblemMessages.statements(1, from)
						+ ", which ran before, " + ((from == 1) ? "is" : "are") + " unchanged)" : "");
		return new Step(info, action, () -> run.record(run.executor.resume(migration, script, from), true));
	}

	/**
	 * Refuses to resume an edited file when a statement that already ran is not what ran:
	 * running the rest would leave the database different from a fresh install of the
	 * file.
	 */
	private static void refuseIfRunPartChanged(LockedRun run, ResolvedMigration migration, AppliedMigration failedRow,
			SqlScript script, int from) throws SQLException {
		String ran = run.history.appliedTexts(run.connection, List.of(failedRow.installedRank()))
			.get(failedRow.installedRank());
		String version = String.valueOf(migration.version());
		String choices = "If you completed the migration by hand, run repair with cairn.repair.mark-applied=" + version
				+ " to record it as applied without running anything.";
		if (ran == null) {
			throw MigrationException.inFile(migration.script(),
					"Cannot resume " + migration.script() + ": it was " + "edited after it failed at statement "
							+ (from + 1) + ", and the history did not keep the text "
							+ "that ran, so Cairn cannot tell whether " + ProblemMessages.statements(1, from)
							+ " changed. Restore the " + "file as it was when it failed to resume it. " + choices,
					null);
		}
		List<SqlStatement> before = SqlScript.parse(migration.script(), ran).statements();
		for (int i = 0; i < from; i++) {
			SqlStatement now = (i < script.statements().size()) ? script.statements().get(i) : null;
			if (now == null || !now.sql().equals(before.get(i).sql())) {
				String where = (now != null) ? " (line " + now.line() + ")" : "";
				throw MigrationException.inFile(migration.script(), (now != null) ? now.line() : 0, 0,
						"Cannot resume " + migration.script() + ": statement " + (i + 1) + where + " ran before it "
								+ "failed, and the file now has it changed" + ((now == null) ? " (it is gone)" : "")
								+ ".\nIt ran as:    " + oneLine(before.get(i).sql()) + "\nThe file has: "
								+ ((now != null) ? oneLine(now.sql()) : "(nothing)") + "\nRestore "
								+ ProblemMessages.statements(1, from) + " as " + ((from == 1) ? "it" : "they") + " ran "
								+ "(a change belongs in a new migration), then run repair again. " + choices);
			}
		}
	}

	private static Step modified(LockedRun run, MigrationInfo info) throws SQLException {
		ResolvedMigration migration = run.resolved(Objects.requireNonNull(info.version()));
		String ran = (info.installedRank() != null)
				? run.history.appliedTexts(run.connection, List.of(info.installedRank())).get(info.installedRank())
				: null;
		String now = (migration != null) ? MigrationText.normalise(migration.text()) : null;
		String diff = "";
		if (ran != null && now != null) {
			diff = ran.equals(now) ? " (its text is the one that was applied: the checksum in the history was edited)"
					: ":\n" + TextDiff.unified(ran, now, "applied", info.script()).stripTrailing();
		}
		String action = "accepted the edited file's checksum " + info.checksum() + " (it was applied with "
				+ info.appliedChecksum() + "). None of the edit was run: if the database lacks it, put the change in "
				+ "a new migration" + diff;
		return new Step(info, action, () -> run.insert(new HistoryTable.Row(info.version(), info.description(),
				MigrationType.REPAIR, info.script(), info.checksum())));
	}

	private static String oneLine(String sql) {
		String line = sql.strip().replaceAll("\\s+", " ");
		return (line.length() > 160) ? line.substring(0, 160) + "..." : line;
	}

	@FunctionalInterface
	private interface Body {

		void run() throws SQLException;

	}

	private record Step(MigrationInfo info, String action, Body body) {

	}

}
