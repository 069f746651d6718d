package dev.cairn.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The file-name grammar of migrations: {@code <version>_<description>.sql} (also
 * {@code .up.sql}), {@code <version>_<description>.down.sql} for its undo, and
 * {@code R__<description>.sql} for a repeatable migration. The extension and the
 * {@code .up}/{@code .down} suffixes are read in any letter case. Flyway's names are read
 * as they are: {@code V<version>__<description>.sql} (version parts separated by
 * {@code .} or {@code _}), and {@code U<version>__<description>.sql} for its undo.
 *
 * @param kind what the file is
 * @param version the version, or {@code null} for a repeatable migration
 * @param description the description, underscores read as spaces
 * @param flyway whether the name is one of Flyway's {@code V} or {@code U} names, so that
 * the file runs as Flyway runs it
 */
record MigrationFileName(Kind kind, @Nullable MigrationVersion version, String description, boolean flyway) {

	private static final Pattern VERSIONED = Pattern.compile("(\\d+(?:\\.\\d+)*)_(.+?)((?i)\\.up|\\.down)?(?i)\\.sql");

	private static final Pattern REPEATABLE = Pattern.compile("R__(.+?)(?i)\\.sql");

	private static final Pattern FLYWAY = Pattern.compile("([VUB])(\\d+(?:[._]\\d+)*)__(.+?)(?i)\\.sql");

	private static final Pattern FLYWAY_LIKE = Pattern.compile("([VvUu])(\\d+(?:[._]\\d+)*)_{1,3}(.+?)(?i)\\.sql");

	private static final Pattern OTHER_SEPARATOR = Pattern.compile("(\\d+(?:\\.\\d+)*)[-. ]+(.+?)(?i)\\.sql");

	private static final String EXPECTED_FORM = "<version>_<description>.sql (also .up.sql and .down.sql), "
			+ "for example 001_initial_schema.sql, or R__<description>.sql for a repeatable migration";

	/**
	 * What a migration file is.
	 */
	enum Kind {

		/** A versioned migration. */
		VERSIONED,

		/** The undo of a versioned migration. */
		DOWN,

		/** A repeatable migration. */
		REPEATABLE

	}

	/**
	 * Tells whether a file belongs in a migration location at all: every such file must
	 * be a migration.
	 * @param name the file name
	 * @return whether it ends in {@code .sql}, in any letter case
	 */
	static boolean isSql(String name) {
		return name.toLowerCase(Locale.ROOT).endsWith(".sql");
	}

	/**
	 * Reads a file name.
	 * @param name the file name
	 * @param location where the file is, for messages
	 * @return what the name says
	 * @throws MigrationException naming the file, the expected form and, where one can be
	 * guessed, the name to use
	 */
	static MigrationFileName parse(String name, String location) {
		Matcher repeatable = REPEATABLE.matcher(name);
		if (repeatable.matches()) {
			String description = describe(repeatable.group(1));
			String lower = repeatable.group(1).toLowerCase(Locale.ROOT);
			if (description.isEmpty()) {
				throw badName(name, location, null, null);
			}
			if (lower.endsWith(".down") || lower.endsWith(".up")) {
				throw badName(name, location,
						"repeatable migrations are re-applied when they change and have no " + "up or down variants",
						null);
			}
			return new MigrationFileName(Kind.REPEATABLE, null, description, false);
		}
		Matcher flyway = FLYWAY.matcher(name);
		if (flyway.matches() && !describe(flyway.group(3)).isEmpty()) {
			String version = flyway.group(2).replace('_', '.');
			if (flyway.group(1).equals("B")) {
				throw MigrationException.inFile(name, "Migration file " + name + " in " + location + " is a Flyway "
						+ "baseline migration, which Cairn does not run. On a database that already has its schema "
						+ "(Flyway applied it, or you set cairn.baseline-version=" + version + "), remove the file; "
						+ "to build new databases from it, rename it to V" + flyway.group(2) + "__" + flyway.group(3)
						+ ".sql and remove the versioned files at or below version " + version + " that it replaces.",
						null);
			}
			return new MigrationFileName(flyway.group(1).equals("U") ? Kind.DOWN : Kind.VERSIONED,
					MigrationVersion.parse(version), describe(flyway.group(3)), true);
		}
		Matcher versioned = VERSIONED.matcher(name);
		if (!versioned.matches() || describe(versioned.group(2)).isEmpty()) {
			throw badName(name, location, null, suggestion(name));
		}
		boolean down = ".down".equalsIgnoreCase(versioned.group(3));
		return new MigrationFileName(down ? Kind.DOWN : Kind.VERSIONED, MigrationVersion.parse(versioned.group(1)),
				describe(versioned.group(2)), false);
	}

	/**
	 * Guesses the name a misnamed file was meant to have: {@code V1_add_x.sql} or
	 * {@code v1__add_x.sql} is Flyway's {@code V1__add_x.sql}, {@code 001-add-x.sql} is
	 * {@code 001_add-x.sql}, {@code r__x.sql} is {@code R__x.sql}.
	 */
	private static @Nullable String suggestion(String name) {
		Matcher flyway = FLYWAY_LIKE.matcher(name);
		if (flyway.matches() && !describe(flyway.group(3)).isEmpty()) {
			return flyway.group(1).toUpperCase(Locale.ROOT) + flyway.group(2) + "__"
					+ flyway.group(3).replaceAll("^_+", "").replace(' ', '_') + ".sql";
		}
		if (name.length() > 3 && name.regionMatches(true, 0, "r__", 0, 3)) {
			return "R__" + name.substring(3).replace(' ', '_');
		}
		Matcher other = OTHER_SEPARATOR.matcher(name);
		if (other.matches() && !describe(other.group(2)).isEmpty()) {
			return other.group(1) + "_" + other.group(2).replace(' ', '_') + ".sql";
		}
		return null;
	}

	private static MigrationException badName(String name, String location, @Nullable String reason,
			@Nullable String suggestion) {
		String rename = (suggestion != null) ? "Rename it to " + suggestion + " (the form is " + EXPECTED_FORM + ")"
				: "Rename it to " + EXPECTED_FORM;
		return MigrationException.inFile(name,
				"Migration file " + name + " in " + location + " does not have a migration name"
						+ ((reason != null) ? " (" + reason + ")" : "") + ". " + rename
						+ "; every .sql file in a migration location must be a migration.",
				null);
	}

	private static String describe(String raw) {
		return raw.replace('_', ' ').trim();
	}

}
