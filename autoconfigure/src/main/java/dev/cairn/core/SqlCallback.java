package dev.cairn.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A SQL file that runs at a point of every migrate run rather than once, named as Flyway
 * names its callbacks so that teams switching keep theirs: {@code beforeMigrate.sql},
 * {@code beforeEachMigrate.sql}, {@code afterEachMigrate.sql}, {@code afterMigrate.sql}
 * and {@code afterMigrateError.sql}, each also as {@code <event>__<description>.sql}.
 * Callbacks of one event run in file-name order, each in its own transaction.
 *
 * @param event when it runs
 * @param script the file name
 * @param location where the file is
 * @param text the file text
 */
record SqlCallback(Event event, String script, String location, String text) {

	private static final Pattern NAME = Pattern.compile("(beforeMigrate|beforeEachMigrate|afterEachMigrate|"
			+ "afterMigrate|afterMigrateError)(?:__(.+?))?(?i)\\.sql");

	/**
	 * Tells which event a file name is a callback for.
	 * @param name the file name
	 * @return the event, or {@code null} when the file is not a callback
	 */
	static @Nullable Event eventOf(String name) {
		Matcher matcher = NAME.matcher(name);
		return matcher.matches()
				? Event.valueOf(matcher.group(1).replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)) : null;
	}

	/**
	 * The points of a migrate run where callbacks run.
	 */
	enum Event {

		/** Before the first pending migration, also when nothing is pending. */
		BEFORE_MIGRATE,

		/** Before each migration. */
		BEFORE_EACH_MIGRATE,

		/** After each migration committed. */
		AFTER_EACH_MIGRATE,

		/** After the last migration, also when nothing was pending. */
		AFTER_MIGRATE,

		/**
		 * After a migration failed; its own failure is added to the run's error, never
		 * replacing it.
		 */
		AFTER_MIGRATE_ERROR

	}

}
