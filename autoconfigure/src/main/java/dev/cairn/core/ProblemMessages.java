package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * The messages of the problems that stop a run, each ending with what to do about it.
 */
final class ProblemMessages {

	private ProblemMessages() {
	}

	static String modified(ResolvedMigration migration, AppliedMigration row, @Nullable String appliedText) {
		String now = MigrationText.normalise(migration.text());
		String diff = "";
		if (appliedText != null) {
			diff = appliedText.equals(now)
					? " Its text is the one that was applied: the checksum in the history was " + "edited."
					: " What changed:\n" + TextDiff.unified(appliedText, now, "applied", migration.script());
		}
		return "Migration " + migration.script() + " (version " + migration.version()
				+ ") was changed after it was applied: it was applied with checksum " + row.checksum()
				+ ", the file now has " + migration.checksum() + "." + diff + (diff.endsWith("\n") ? "" : " ")
				+ "Restore the file as it was applied (for example with git checkout) and put the change in a new "
				+ "migration; or, if the database already matches the edited file, run repair to accept its checksum "
				+ "(repair runs none of it).";
	}

	static String failed(AppliedMigration row) {
		int done = (row.statementsDone() != null) ? row.statementsDone() : 0;
		String unchanged = (done > 0)
				? ", as long as " + statements(1, done) + " (which ran) " + ((done == 1) ? "is" : "are") + " unchanged"
				: "";
		return "Migration " + row.script() + " (version " + row.version() + ") failed part way on " + row.installedOn()
				+ ": it runs outside a transaction, and " + done + " of its statements ran and "
				+ "stay applied. Fix the cause (edit statement " + (done + 1) + " or a later one, or fix the "
				+ "database), then run repair: it runs the file from statement " + (done + 1) + " on" + unchanged
				+ ". If you completed the migration by hand, run repair with cairn.repair.mark-applied=" + row.version()
				+ " instead.";
	}

	/**
	 * Names a range of statements for messages: {@code statement 2} or
	 * {@code statements 2-5}.
	 */
	static String statements(int from, int to) {
		return (from == to) ? "statement " + from : "statements " + from + "-" + to;
	}

	static String missing(AppliedMigration row, MigratorSettings settings) {
		return "Migration " + row.script() + ((row.version() != null) ? " (version " + row.version() + ")" : "")
				+ " was applied on " + row.installedOn() + " but its file is gone from " + settings.locations()
				+ ". Restore the file, or set cairn.ignore-missing=true if it was removed on purpose.";
	}

}
