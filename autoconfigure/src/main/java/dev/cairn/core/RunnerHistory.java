package dev.cairn.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The history table of a runner other than Flyway, named by {@code cairn.adopt-from},
 * read so that Cairn can adopt it: a table with a column of file names (a hand-written
 * runner's {@code schema_migrations(filename, applied_at)}, a {@code _migrations} table),
 * dbmate's {@code schema_migrations(version)} with one row per applied version, or
 * golang-migrate's {@code schema_migrations(version, dirty)}, whose one row is the last
 * version applied. Each row becomes an {@link MigrationType#ADOPTED} row with Cairn's
 * checksum of its file and the row's time where it has one; a row whose file is gone is
 * refused, since these runners keep no checksum to tell what it was.
 */
final class RunnerHistory {

	private static final List<String> FILE_COLUMNS = List.of("filename", "file_name", "file", "script", "migration",
			"name");

	private static final List<String> TIME_COLUMNS = List.of("applied_at", "applied_on", "installed_on", "executed_at",
			"migrated_at", "run_at", "run_on", "created_at");

	private RunnerHistory() {
	}

	/**
	 * Maps the rows of another runner's history table onto the files.
	 * @param connection a connection
	 * @param table the table
	 * @param columns its columns
	 * @param resolved the migrations that exist
	 * @return the rows Cairn writes, in the table's order
	 * @throws MigrationException for a table Cairn cannot read, a dirty golang-migrate
	 * version or a row without a file
	 */
	static List<AppliedMigration> map(Connection connection, HistoryTable table, Set<String> columns,
			List<ResolvedMigration> resolved) throws SQLException {
		String file = first(FILE_COLUMNS, columns);
		String time = first(TIME_COLUMNS, columns);
		String user = currentUser(connection);
		if (file != null) {
			return byFile(connection, table, file, time, user, resolved);
		}
		if (columns.contains("version")) {
			return columns.contains("dirty") ? golangMigrate(connection, table, user, resolved)
					: byVersion(connection, table, time, user, resolved);
		}
		throw new MigrationException("Table " + table.displayName() + " (cairn.adopt-from) is neither Flyway's "
				+ "history table nor one Cairn can read: it needs a column of file names ("
				+ String.join(", ", FILE_COLUMNS)
				+ ") or of versions (version). Name the runner's history table, or remove " + "cairn.adopt-from.");
	}

	private static List<AppliedMigration> byFile(Connection connection, HistoryTable table, String file,
			@Nullable String time, String user, List<ResolvedMigration> resolved) throws SQLException {
		List<AppliedMigration> rows = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		String sql = "SELECT " + quote(file) + "::text, " + ((time != null) ? quote(time) : "NULL") + " FROM "
				+ table.sqlName() + " ORDER BY " + ((time != null) ? quote(time) + " NULLS LAST, " : "") + quote(file);
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			while (result.next()) {
				String name = result.getString(1);
				ResolvedMigration migration = byName(resolved, name);
				if (migration == null) {
					throw noFile(table, "'" + name + "' in column " + file, "a file of that name");
				}
				if (seen.add(migration.script())) {
					rows.add(row(rows.size() + 1, migration, user, timestamp(result)));
				}
			}
		}
		return rows;
	}

	private static List<AppliedMigration> byVersion(Connection connection, HistoryTable table, @Nullable String time,
			String user, List<ResolvedMigration> resolved) throws SQLException {
		List<AppliedMigration> rows = new ArrayList<>();
		Set<MigrationVersion> seen = new HashSet<>();
		String sql = "SELECT version::text, " + ((time != null) ? quote(time) : "NULL") + " FROM " + table.sqlName();
		List<Object[]> found = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			while (result.next()) {
				found.add(new Object[] { version(table, result.getString(1)), timestamp(result) });
			}
		}
		found.sort((a, b) -> ((MigrationVersion) a[0]).compareTo((MigrationVersion) b[0]));
		for (Object[] entry : found) {
			MigrationVersion version = (MigrationVersion) entry[0];
			ResolvedMigration migration = byVersion(resolved, version);
			if (migration == null) {
				throw noFile(table, "version " + version, "a migration with that version");
			}
			if (seen.add(version)) {
				rows.add(row(rows.size() + 1, migration, user, (Instant) entry[1]));
			}
		}
		return rows;
	}

	private static List<AppliedMigration> golangMigrate(Connection connection, HistoryTable table, String user,
			List<ResolvedMigration> resolved) throws SQLException {
		MigrationVersion last = null;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT version::text, dirty FROM " + table.sqlName())) {
			while (result.next()) {
				MigrationVersion version = version(table, result.getString(1));
				if (result.getBoolean(2)) {
					throw new MigrationException("Table " + table.displayName() + " (cairn.adopt-from) is marked dirty "
							+ "at version " + version + ": golang-migrate stopped part way through that migration and "
							+ "does not know what of it ran. Cairn adopted nothing and ran nothing. Check what of "
							+ "version " + version + " is in the database and finish or undo it by hand, then set the "
							+ "row to the last version that completed with dirty = false, and start again.");
				}
				if (last == null || version.compareTo(last) > 0) {
					last = version;
				}
			}
		}
		if (last == null) {
			return List.of();
		}
		if (byVersion(resolved, last) == null) {
			throw noFile(table, "version " + last, "a migration with that version");
		}
		List<AppliedMigration> rows = new ArrayList<>();
		for (ResolvedMigration migration : resolved) {
			if (!migration.repeatable() && migration.version().compareTo(last) <= 0) {
				rows.add(row(rows.size() + 1, migration, user, null));
			}
		}
		return rows;
	}

	private static AppliedMigration row(int rank, ResolvedMigration migration, String user, @Nullable Instant on) {
		return new AppliedMigration(rank, (migration.version() != null) ? migration.version().toString() : null,
				migration.description(), MigrationType.ADOPTED, migration.script(), migration.checksum(), user,
				(on != null) ? on : Instant.now(), 0, true, null);
	}

	/**
	 * Finds the file a row names: by its name, its name without {@code .sql} (or
	 * {@code .up.sql}), or the last part of a path.
	 */
	private static @Nullable ResolvedMigration byName(List<ResolvedMigration> resolved, @Nullable String value) {
		if (value == null) {
			return null;
		}
		String name = value.substring(value.lastIndexOf('/') + 1).strip();
		for (ResolvedMigration migration : resolved) {
			String script = migration.script();
			if (script.equals(name) || stem(script).equals(stem(name))) {
				return migration;
			}
		}
		return null;
	}

	private static String stem(String name) {
		return name.replaceFirst("(?i)(\\.up)?\\.(sql|py)$", "");
	}

	private static @Nullable ResolvedMigration byVersion(List<ResolvedMigration> resolved, MigrationVersion version) {
		for (ResolvedMigration migration : resolved) {
			if (version.equals(migration.version())) {
				return migration;
			}
		}
		return null;
	}

	private static MigrationVersion version(HistoryTable table, @Nullable String text) {
		if (text == null || !MigrationVersion.isVersion(text.strip())) {
			throw new MigrationException("Table " + table.displayName() + " (cairn.adopt-from) has version '" + text
					+ "', which Cairn cannot read as a version: use digits, optionally dotted. Cairn adopted nothing "
					+ "and ran nothing.");
		}
		return MigrationVersion.parse(text.strip());
	}

	private static MigrationException noFile(HistoryTable table, String row, String wanted) {
		return new MigrationException("Table " + table.displayName() + " (cairn.adopt-from) records " + row
				+ " as applied, but no migration location holds " + wanted + ". Cairn adopted nothing and ran "
				+ "nothing. Restore the file, or point cairn.locations at the folder that holds it.");
	}

	private static @Nullable Instant timestamp(ResultSet result) {
		try {
			Timestamp on = result.getTimestamp(2);
			return (on != null) ? on.toInstant() : null;
		}
		catch (SQLException ex) {
			// A time column Cairn cannot read as a time: the row is adopted at the time
			// of adoption.
			return null;
		}
	}

	private static @Nullable String first(List<String> candidates, Set<String> columns) {
		for (String candidate : candidates) {
			if (columns.contains(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static String currentUser(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT current_user")) {
			result.next();
			return result.getString(1);
		}
	}

	private static String quote(String identifier) {
		return '"' + identifier + '"';
	}

}
