package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * One migration a run would apply, with the SQL it would send: what
 * {@link Migrator#plan()} shows without running anything.
 *
 * @param version the canonical version, or {@code null} for a repeatable migration
 * @param description the description
 * @param type how it would be applied
 * @param script the file name, or the Java migration's class name
 * @param transactional whether it would run in one transaction with its history row
 * @param sql the statements it would run, each ending with a semicolon, or a note for a
 * Java migration
 */
public record PlannedMigration(@Nullable String version, String description, MigrationType type, String script,
		boolean transactional, String sql) {

	static PlannedMigration of(SqlCallback callback, SqlScript script) {
		StringBuilder sql = new StringBuilder();
		for (SqlStatement statement : script.statements()) {
			sql.append(statement.sql()).append(";\n");
		}
		return new PlannedMigration(null, callback.event().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
				MigrationType.CALLBACK, callback.script(), true, sql.toString());
	}

	static PlannedMigration of(ResolvedMigration migration, @Nullable SqlScript script) {
		StringBuilder sql = new StringBuilder();
		if (script == null) {
			sql.append("-- Java migration ").append(migration.location()).append(", run in one transaction");
		}
		else {
			for (SqlStatement statement : script.statements()) {
				sql.append(statement.sql()).append(";\n");
			}
		}
		return new PlannedMigration((migration.version() != null) ? migration.version().toString() : null,
				migration.description(), migration.type(), migration.script(), script == null || script.transactional(),
				sql.toString());
	}

}
