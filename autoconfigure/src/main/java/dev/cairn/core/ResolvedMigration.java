package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * A migration that exists: a file in a location (with its down file, if any).
 *
 * @param version the version, or {@code null} for a repeatable migration
 * @param description the description, underscores read as spaces
 * @param type {@link MigrationType#SQL}, {@link MigrationType#SQL_NO_TX},
 * {@link MigrationType#REPEATABLE} or {@link MigrationType#JAVA}
 * @param script the file name, without the location path, or the Java migration's class
 * name
 * @param location where the file was found (or the bean's class), for messages
 * @param text the file text, BOM stripped, line endings as in the file; empty for a Java
 * migration
 * @param checksum {@code sha256:} and the hex digest of the normalised text, or a Java
 * migration's own checksum
 * @param down the down file that undoes this migration, or {@code null}
 * @param java the Java migration, or {@code null} for a file
 * @param flyway how Flyway runs the file, for a file with a Flyway name (and the
 * repeatable files beside such files); {@code null} for Cairn's own names
 */
record ResolvedMigration(@Nullable MigrationVersion version, String description, MigrationType type, String script,
		String location, String text, @Nullable String checksum, @Nullable ResolvedMigration down,
		@Nullable JavaMigration java, @Nullable FlywayFile flyway) {

	ResolvedMigration(@Nullable MigrationVersion version, String description, MigrationType type, String script,
			String location, String text, @Nullable String checksum, @Nullable ResolvedMigration down,
			@Nullable JavaMigration java) {
		this(version, description, type, script, location, text, checksum, down, java, null);
	}

	/**
	 * Describes a Java migration bean as a resolved migration.
	 * @param migration the bean
	 * @return the resolved migration
	 */
	public static ResolvedMigration of(JavaMigration migration) {
		MigrationVersion version;
		try {
			version = MigrationVersion.parse(migration.version());
		}
		catch (MigrationException ex) {
			throw new MigrationException("Java migration " + migration.getClass().getName() + " has version '"
					+ migration.version() + "', which is not a version. Return digits, optionally dotted (7, 1.2), "
					+ "from version().");
		}
		Class<?> type = migration.getClass();
		String script = type.getSimpleName().isEmpty() ? type.getName() : type.getSimpleName();
		return new ResolvedMigration(version, migration.description(), MigrationType.JAVA, script, type.getName(), "",
				migration.checksum(), null, migration);
	}

	/**
	 * Tells whether this migration can be undone, by a down file or a Java rollback.
	 * @return whether it can be rolled back
	 */
	public boolean hasDown() {
		return this.down != null || (this.java != null && this.java.hasRollback());
	}

	/**
	 * Tells whether this migration is re-applied whenever it changes instead of having a
	 * version.
	 * @return whether it is repeatable
	 */
	public boolean repeatable() {
		return this.version == null;
	}

}
