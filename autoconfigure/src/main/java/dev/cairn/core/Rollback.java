package dev.cairn.core;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Undoes applied migrations, newest first, each with its down file (or Java rollback) in
 * its own transaction together with its {@code ROLLBACK} history row. Every migration to
 * undo must have a down file, which is checked, and every down file parsed, before
 * anything runs.
 */
final class Rollback {

	private static final Log logger = LogFactory.getLog(Rollback.class);

	private Rollback() {
	}

	/**
	 * Undoes what {@code choose} picks from the applied migrations.
	 * @param run the locked run
	 * @param choose picks the migrations to undo from the applied ones, newest first
	 * @param what how the rollback reads in a message ("to version 3", "of the last 2",
	 * "of everything")
	 */
	static void run(LockedRun run, Function<List<ResolvedMigration>, List<ResolvedMigration>> choose, String what)
			throws SQLException {
		MigrationStatus status = run.plan().status();
		status.refuseProblems("Nothing was rolled back.");
		List<ResolvedMigration> applied = new ArrayList<>();
		for (MigrationInfo info : status.migrations()) {
			if (info.state() == MigrationState.APPLIED && info.version() != null) {
				applied.add(run.resolved(info.version()));
			}
		}
		applied.sort(Comparator.comparing(ResolvedMigration::version).reversed());
		List<ResolvedMigration> undo = choose.apply(applied);
		List<String> lacking = undo.stream().filter((m) -> !m.hasDown()).map(Rollback::describe).toList();
		if (!lacking.isEmpty()) {
			throw new MigrationException("Nothing was rolled back: the rollback " + what + " would undo "
					+ String.join(", ", lacking) + ", which " + ((lacking.size() == 1) ? "has" : "have")
					+ " no down file. Add a <version>_<description>.down.sql file next to "
					+ ((lacking.size() == 1) ? "it" : "each") + ", or roll back to a version above it.");
		}
		List<@Nullable SqlScript> downs = new ArrayList<>();
		for (ResolvedMigration migration : undo) {
			ResolvedMigration down = migration.down();
			downs.add((down != null) ? SqlScript.parse(down.script(), down.text()) : null);
		}
		for (int i = 0; i < undo.size(); i++) {
			run.record(run.executor.undo(undo.get(i), downs.get(i), run.done.size()), true);
			logger.info("Rolled back " + describe(undo.get(i)));
		}
		String baseline = baselineVersion(status);
		if (baseline != null && undo.size() == applied.size()) {
			logger.info("Rollback " + what + " stopped at the baseline at version " + baseline + ": the schema up to "
					+ "it was there before Cairn, and Cairn never ran those migrations, so it cannot undo them");
		}
	}

	static @Nullable String baselineVersion(MigrationStatus status) {
		for (MigrationInfo info : status.migrations()) {
			if (info.state() == MigrationState.BASELINE) {
				return info.version();
			}
		}
		return null;
	}

	static String describe(ResolvedMigration migration) {
		return migration.script() + ((migration.version() != null) ? " (version " + migration.version() + ")" : "");
	}

}
