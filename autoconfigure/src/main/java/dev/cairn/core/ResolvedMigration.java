package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * A migration that exists: a file in a location (with its down file, if any).
 *
 * @param version the version, or {@code null} for a repeatable migration
 * @param description the description, underscores read as spaces
 * @param type {@link MigrationType#SQL}, {@link MigrationType#SQL_NO_TX} or {@link MigrationType#REPEATABLE}
 * @param script the file name, without the location path
 * @param location where the file was found, for messages
 * @param text the file text, BOM stripped, line endings as in the file
 * @param checksum {@code sha256:} and the hex digest of the normalised text
 * @param down the down file that undoes this migration, or {@code null}
 */
public record ResolvedMigration(@Nullable MigrationVersion version, String description, MigrationType type,
		String script, String location, String text, String checksum, @Nullable ResolvedMigration down) {

	/**
	 * Tells whether this migration is re-applied whenever it changes instead of having a version.
	 * @return whether it is repeatable
	 */
	public boolean repeatable() {
		return this.version == null;
	}

}
