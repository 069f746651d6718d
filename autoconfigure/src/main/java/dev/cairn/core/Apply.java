package dev.cairn.core;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The locked part of a migrate run, and what {@link Migrator#plan()} shows of it: refuse
 * if the history and the files disagree, parse every pending file (so a file that cannot
 * run fails before anything runs), lint them, then apply each with its history row, with
 * the callbacks before and after the run and each migration.
 */
final class Apply {

	private Apply() {
	}

	/**
	 * Applies every pending migration of a locked run.
	 * @param run the locked run
	 * @param settings the run's settings
	 * @param callbackFiles the callback files of the locations
	 */
	static void pending(LockedRun run, MigratorSettings settings, List<SqlCallback> callbackFiles) throws SQLException {
		if (run.rows.isEmpty()) {
			run.adopt();
		}
		if (run.rows.isEmpty() && settings.baselineVersion() != null) {
			run.recordBaseline(settings.baselineVersion());
		}
		MigrationPlan plan = run.plan();
		plan.status().refuseProblems();
		List<@Nullable SqlScript> scripts = parse(plan.pending(), run::placeholders);
		Lint.beforeApplying(settings.lint(), scripts);
		run.lock.pooler().refuseOutsideTransaction(plan.pending(), scripts);
		run.beforeApplying(plan.status());
		List<LockedRun.ParsedCallback> callbacks = LockedRun.ParsedCallback.of(callbackFiles);
		try {
			run.callbacks(callbacks, SqlCallback.Event.BEFORE_MIGRATE);
			for (int i = 0; i < scripts.size();) {
				// Behind a pooler the server session of a group is known only once it
				// runs, too late for the lock-wait watcher: each migration goes alone.
				boolean pipelined = callbacks.isEmpty() && !run.lock.pooler().switchesSessions();
				int end = pipelined ? Pipeline.groupEnd(plan.pending(), scripts, i) : i;
				if (end > i) {
					i += applyGroup(run, plan.pending().subList(i, end), scripts.subList(i, end));
					continue;
				}
				run.callbacks(callbacks, SqlCallback.Event.BEFORE_EACH_MIGRATE);
				run.record(run.executor.apply(plan.pending().get(i), scripts.get(i), run.done.size()), true);
				run.callbacks(callbacks, SqlCallback.Event.AFTER_EACH_MIGRATE);
				i++;
			}
			run.callbacks(callbacks, SqlCallback.Event.AFTER_MIGRATE);
		}
		catch (SQLException | RuntimeException ex) {
			afterError(run, callbacks, ex);
			throw ex;
		}
	}

	private static int applyGroup(LockedRun run, List<ResolvedMigration> group, List<@Nullable SqlScript> scripts)
			throws SQLException {
		List<SqlScript> files = new ArrayList<>();
		scripts.forEach((script) -> files.add(Objects.requireNonNull(script)));
		int rankBefore = 0;
		for (AppliedMigration row : run.rows) {
			rankBefore = Math.max(rankBefore, row.installedRank());
		}
		return run.executor.applyGroup(group, files, run.done.size(), rankBefore, (row) -> run.record(row, true));
	}

	/**
	 * Shows what {@link #pending} would run, in order, without running anything.
	 * @param plan the merged files and history
	 * @param callbackFiles the callback files of the locations
	 * @param placeholders the values of Flyway's placeholders
	 * @return the migrations and callbacks a run would run
	 */
	static List<PlannedMigration> plan(MigrationPlan plan, List<SqlCallback> callbackFiles,
			FlywayHistory.PlaceholderSource placeholders) throws SQLException {
		plan.status().refuseProblems();
		List<@Nullable SqlScript> scripts = parse(plan.pending(), placeholders);
		List<LockedRun.ParsedCallback> callbacks = LockedRun.ParsedCallback.of(callbackFiles);
		List<PlannedMigration> planned = new ArrayList<>();
		planCallbacks(planned, callbacks, SqlCallback.Event.BEFORE_MIGRATE);
		for (int i = 0; i < scripts.size(); i++) {
			planCallbacks(planned, callbacks, SqlCallback.Event.BEFORE_EACH_MIGRATE);
			planned.add(PlannedMigration.of(plan.pending().get(i), scripts.get(i)));
			planCallbacks(planned, callbacks, SqlCallback.Event.AFTER_EACH_MIGRATE);
		}
		planCallbacks(planned, callbacks, SqlCallback.Event.AFTER_MIGRATE);
		return planned;
	}

	private static void planCallbacks(List<PlannedMigration> planned, List<LockedRun.ParsedCallback> callbacks,
			SqlCallback.Event event) {
		for (LockedRun.ParsedCallback callback : callbacks) {
			if (callback.file().event() == event) {
				planned.add(PlannedMigration.of(callback.file(), callback.script()));
			}
		}
	}

	/**
	 * Runs the {@code afterMigrateError} callbacks of a failed run; their own failure is
	 * added to the run's error, never replacing it.
	 */
	private static void afterError(LockedRun run, List<LockedRun.ParsedCallback> callbacks, Exception failure) {
		try {
			run.callbacks(callbacks, SqlCallback.Event.AFTER_MIGRATE_ERROR);
		}
		catch (SQLException | RuntimeException ex) {
			failure.addSuppressed(ex);
		}
	}

	/**
	 * Parses the files a run executes; a Flyway file has its placeholders replaced first
	 * and runs in or outside a transaction as Flyway would run it.
	 */
	private static List<@Nullable SqlScript> parse(List<ResolvedMigration> migrations,
			FlywayHistory.PlaceholderSource placeholders) throws SQLException {
		List<@Nullable SqlScript> scripts = new ArrayList<>();
		for (ResolvedMigration migration : migrations) {
			FlywayFile flyway = migration.flyway();
			if (migration.java() != null) {
				scripts.add(null);
			}
			else if (flyway == null) {
				scripts.add(SqlScript.parse(migration.script(), migration.text()));
			}
			else {
				String text = (flyway.placeholderReplacement() && migration.text().contains("${"))
						? placeholders.get().replace(migration.script(), migration.text()) : migration.text();
				scripts.add(SqlScript.parse(migration.script(), text, flyway.executeInTransaction()));
			}
		}
		return scripts;
	}

}
