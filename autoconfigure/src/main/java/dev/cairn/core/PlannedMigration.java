package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * One migration a run would apply, with the SQL it would send: what {@link Migrator#plan()} shows without running
 * anything.
 *
 * @param version the canonical version, or {@code null} for a repeatable migration
 * @param description the description
 * @param type how it would be applied
 * @param script the file name, or the Java migration's class name
 * @param transactional whether it would run in one transaction with its history row
 * @param sql the statements it would run, each ending with a semicolon, or a note for a Java migration
 */
public record PlannedMigration(@Nullable String version, String description, MigrationType type, String script,
		boolean transactional, String sql) {

}
