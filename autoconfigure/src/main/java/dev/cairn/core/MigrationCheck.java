package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Checks migration files without a database, the way a run reads them before touching
 * one: names, duplicates, encoding, directives, quoting and transaction control, with the
 * messages a run would fail with; and lints them.
 */
public final class MigrationCheck {

	private final List<ResolvedMigration> migrations;

	private final List<SqlScript> scripts = new ArrayList<>();

	private final List<MigrationException> problems = new ArrayList<>();

	private MigrationCheck(List<ResolvedMigration> migrations) {
		this.migrations = migrations;
	}

	/**
	 * Reads every migration file in the locations, and each down file, as a run would.
	 * @param locations {@code classpath:}, {@code file:} or {@code filesystem:} locations
	 * @param classLoader the class loader for {@code classpath:} locations, or
	 * {@code null} for the default one
	 * @return the result, which holds the problems instead of throwing them
	 */
	public static MigrationCheck of(List<String> locations, @Nullable ClassLoader classLoader) {
		List<ResolvedMigration> resolved;
		try {
			resolved = new MigrationSource(locations, List.of(), classLoader).resolve();
		}
		catch (MigrationException ex) {
			MigrationCheck check = new MigrationCheck(List.of());
			check.problems.add(ex);
			return check;
		}
		MigrationCheck check = new MigrationCheck(resolved);
		for (ResolvedMigration migration : resolved) {
			SqlScript script = check.parse(migration);
			if (script != null) {
				check.scripts.add(script);
			}
			if (migration.down() != null) {
				check.parse(migration.down());
			}
		}
		return check;
	}

	private @Nullable SqlScript parse(ResolvedMigration migration) {
		try {
			return SqlScript.parse(migration.script(), migration.text());
		}
		catch (MigrationException ex) {
			this.problems.add(ex);
			return null;
		}
	}

	/**
	 * Returns how many files were read, down files included.
	 * @return the number of files
	 */
	public int fileCount() {
		int count = 0;
		for (ResolvedMigration migration : this.migrations) {
			count += (migration.down() != null) ? 2 : 1;
		}
		return count;
	}

	/**
	 * Returns what a run would refuse, one exception per file (or one for the whole set,
	 * such as a duplicate version), each with the message a run would fail with.
	 * @return the problems, empty when every file can run
	 */
	public List<MigrationException> problems() {
		return List.copyOf(this.problems);
	}

	/**
	 * Lints the files that can run; down files are left out.
	 * @param since lint only migrations with a version above this one (and every
	 * repeatable migration), or {@code null} for all
	 * @return the findings, file by file in run order
	 */
	public List<LintFinding> lint(@Nullable String since) {
		MigrationVersion above = (since != null) ? MigrationVersion.parse(since) : null;
		List<LintFinding> findings = new ArrayList<>();
		for (SqlScript script : this.scripts) {
			MigrationVersion version = versionOf(script.name());
			if (above == null || version == null || version.compareTo(above) > 0) {
				findings.addAll(Linter.lint(script));
			}
		}
		return findings;
	}

	private @Nullable MigrationVersion versionOf(String script) {
		for (ResolvedMigration migration : this.migrations) {
			if (migration.script().equals(script)) {
				return migration.version();
			}
		}
		return null;
	}

}
