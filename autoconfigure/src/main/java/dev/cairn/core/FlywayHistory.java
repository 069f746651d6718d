package dev.cairn.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Flyway's history table, read so that Cairn can adopt it in place: every applied row
 * becomes a Cairn history row, after each applied file is checked against Flyway's own
 * checksum of it. Flyway's table is only read.
 * <p>
 * The rows map as Flyway meant them: a versioned row is an {@link MigrationType#ADOPTED}
 * row with Cairn's checksum of its file, a baseline row is a
 * {@link MigrationType#BASELINE} row, a repeatable row is adopted as applied when its
 * file still has the checksum Flyway recorded (and is left pending otherwise, as Flyway
 * would re-apply it), and rows that Flyway itself no longer counts (deleted or undone
 * migrations, its schema-creation marker) are left out. A failed row, or an applied file
 * that was edited since, is refused before anything is written.
 */
final class FlywayHistory {

	private static final List<String> DEFAULT_TABLES = List.of("flyway_schema_history", "schema_version");

	private static final Set<String> COLUMNS = Set.of("installed_rank", "version", "description", "type", "script",
			"checksum", "installed_by", "installed_on", "execution_time", "success");

	private FlywayHistory() {
	}

	/**
	 * What adopting Flyway's history writes.
	 *
	 * @param table Flyway's table, as messages name it
	 * @param rows the history rows Cairn writes, ranked 1, 2, 3 … in Flyway's installed
	 * order
	 */
	record Adoption(String table, List<AppliedMigration> rows) {

		/**
		 * Describes the adoption for the log.
		 * @return the log line
		 */
		String describe() {
			String lastVersion = null;
			Instant lastOn = null;
			for (AppliedMigration row : this.rows) {
				if (row.version() != null) {
					lastVersion = row.version();
				}
				lastOn = row.installedOn();
			}
			return "Adopted " + this.rows.size() + " migrations from " + this.table + " (last version "
					+ ((lastVersion != null) ? lastVersion : "none") + ", applied " + lastOn + ")";
		}

	}

	/**
	 * Finds Flyway's history table (or the table {@code cairn.adopt-from} names, which
	 * may also be another runner's, read by {@link RunnerHistory}) and maps its rows onto
	 * the files.
	 * @param connection a connection
	 * @param settings where to look ({@code adoptFrom}, {@code schema})
	 * @param resolved the migrations that exist
	 * @param placeholders the placeholders, for the checksums of repeatable files, which
	 * Flyway computes after replacing them
	 * @return the adoption, or {@code null} when there is no Flyway history table or it
	 * has no applied rows
	 * @throws MigrationException for a failed row, or an applied file changed since
	 * Flyway applied it
	 */
	static @Nullable Adoption find(Connection connection, MigratorSettings settings, List<ResolvedMigration> resolved,
			PlaceholderSource placeholders) throws SQLException {
		boolean named = settings.adoptFrom() != null;
		for (String name : named ? List.of(settings.adoptFrom()) : DEFAULT_TABLES) {
			HistoryTable table = new HistoryTable(name, name.contains(".") ? null : settings.schema());
			Set<String> columns = columns(connection, table);
			if (columns.isEmpty()) {
				continue;
			}
			if (!columns.containsAll(COLUMNS) && !named) {
				continue;
			}
			List<AppliedMigration> rows = columns.containsAll(COLUMNS)
					? map(table.displayName(), read(connection, table), resolved, placeholders)
					: RunnerHistory.map(connection, table, columns, resolved);
			return rows.isEmpty() ? null : new Adoption(table.displayName(), rows);
		}
		return null;
	}

	private static Set<String> columns(Connection connection, HistoryTable table) throws SQLException {
		Set<String> columns = new HashSet<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT attname FROM pg_attribute WHERE "
				+ "attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped")) {
			statement.setString(1, table.sqlName());
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					columns.add(result.getString(1));
				}
			}
		}
		return columns;
	}

	private record FlywayRow(int rank, @Nullable String version, String description, String type, String script,
			@Nullable Integer checksum, String installedBy, Instant installedOn, int executionMs, boolean success) {

	}

	private static List<FlywayRow> read(Connection connection, HistoryTable table) throws SQLException {
		List<FlywayRow> rows = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT installed_rank, version, description, type, "
						+ "script, checksum, installed_by, installed_on, execution_time, success FROM "
						+ table.sqlName() + " ORDER BY installed_rank")) {
			while (result.next()) {
				Timestamp on = result.getTimestamp(8);
				rows.add(new FlywayRow(result.getInt(1), result.getString(2), result.getString(3), result.getString(4),
						result.getString(5), (Integer) result.getObject(6), result.getString(7),
						(on != null) ? on.toInstant() : Instant.EPOCH, result.getInt(9), result.getBoolean(10)));
			}
		}
		return rows;
	}

	private static List<AppliedMigration> map(String table, List<FlywayRow> rows, List<ResolvedMigration> resolved,
			PlaceholderSource placeholders) throws SQLException {
		// The rows Flyway still counts, keyed by version (or by description for
		// repeatable ones), in installed order.
		Map<String, FlywayRow> counted = new LinkedHashMap<>();
		for (FlywayRow row : rows) {
			String key = (row.version() != null) ? "V" + version(table, row) : "R" + row.description();
			switch (row.type()) {
				case "SCHEMA" -> {
				}
				case "DELETE", "UNDO_SQL", "UNDO_JDBC", "UNDO_SCRIPT" -> counted.remove(key);
				default -> {
					if (!row.success()) {
						throw new MigrationException("Row " + row.rank() + " of " + table + " records " + row.script()
								+ ((row.version() != null) ? " (version " + row.version() + ")" : "") + " as failed on "
								+ row.installedOn() + ". Cairn adopts only a history without failures, so it adopted "
								+ "nothing and ran nothing. Finish or undo what that migration did, then remove the "
								+ "failed row (flyway repair does both the removal and nothing else), and start again.");
					}
					counted.remove(key);
					counted.put(key, row);
				}
			}
		}
		List<AppliedMigration> adopted = new ArrayList<>();
		for (FlywayRow row : counted.values()) {
			int rank = adopted.size() + 1;
			if (row.version() == null) {
				adopted.add(repeatable(rank, row, resolved, placeholders));
				continue;
			}
			MigrationVersion version = version(table, row);
			if (row.type().endsWith("BASELINE")) {
				adopted.add(new AppliedMigration(rank, version.toString(), row.description(), MigrationType.BASELINE,
						row.script(), null, row.installedBy(), row.installedOn(), row.executionMs(), true, null));
				continue;
			}
			ResolvedMigration file = versioned(resolved, version);
			if (file != null && file.java() == null && row.checksum() != null) {
				int now = FlywayFile.checksum(file.text());
				if (now != row.checksum()) {
					throw new MigrationException("Migration " + file.script() + " (version " + version + ") was "
							+ "changed after Flyway applied it: " + table + " has Flyway checksum " + row.checksum()
							+ ", the file now has Flyway checksum " + now + ". Cairn adopted nothing and ran nothing. "
							+ "Restore the file as Flyway applied it (for example with git checkout) and put the "
							+ "change in a new migration, then start again.");
				}
			}
			adopted.add(new AppliedMigration(rank, version.toString(), row.description(), MigrationType.ADOPTED,
					(file != null) ? file.script() : fileName(row.script()), (file != null) ? file.checksum() : null,
					row.installedBy(), row.installedOn(), row.executionMs(), true, null));
		}
		return adopted;
	}

	/**
	 * Adopts a repeatable row as applied when its file still has the checksum Flyway
	 * recorded (computed after replacing placeholders, unless they are off for the file),
	 * and without a checksum otherwise, which leaves the file pending: Flyway would
	 * re-apply it too.
	 */
	private static AppliedMigration repeatable(int rank, FlywayRow row, List<ResolvedMigration> resolved,
			PlaceholderSource placeholders) throws SQLException {
		ResolvedMigration file = null;
		for (ResolvedMigration migration : resolved) {
			if (migration.repeatable() && migration.description().equals(row.description())) {
				file = migration;
			}
		}
		String checksum = null;
		if (file != null && row.checksum() != null) {
			boolean same = FlywayFile.checksum(file.text()) == row.checksum();
			if (!same && (file.flyway() == null || file.flyway().placeholderReplacement())) {
				try {
					same = FlywayFile.checksum(placeholders.get().replace(file.script(), file.text())) == row
						.checksum();
				}
				catch (MigrationException ex) {
					// A placeholder without a value: the run that applies the file names
					// it.
				}
			}
			checksum = same ? file.checksum() : null;
		}
		return new AppliedMigration(rank, null, row.description(), MigrationType.ADOPTED,
				(file != null) ? file.script() : fileName(row.script()), checksum, row.installedBy(), row.installedOn(),
				row.executionMs(), true, null);
	}

	private static @Nullable ResolvedMigration versioned(List<ResolvedMigration> resolved, MigrationVersion version) {
		for (ResolvedMigration migration : resolved) {
			if (version.equals(migration.version())) {
				return migration;
			}
		}
		return null;
	}

	private static MigrationVersion version(String table, FlywayRow row) {
		String text = row.version().replace('_', '.');
		if (!MigrationVersion.isVersion(text)) {
			throw new MigrationException("Row " + row.rank() + " of " + table + " has version '" + row.version() + "' ("
					+ row.script() + "), which Cairn cannot read as a version: use digits, optionally dotted. "
					+ "Cairn adopted nothing and ran nothing.");
		}
		return MigrationVersion.parse(text);
	}

	private static String fileName(String script) {
		int slash = script.lastIndexOf('/');
		return (slash >= 0) ? script.substring(slash + 1) : script;
	}

	/**
	 * Gives the placeholders when a repeatable file's checksum needs them.
	 */
	@FunctionalInterface
	interface PlaceholderSource {

		Placeholders get() throws SQLException;

		/**
		 * Reads the placeholders from the connection the first time they are needed.
		 * @param connection the connection
		 * @param settings the run's settings
		 * @param table the history table's name, for {@code ${flyway:table}}
		 * @return the source
		 */
		static PlaceholderSource lazy(Connection connection, MigratorSettings settings, String table) {
			Placeholders[] once = new Placeholders[1];
			return () -> {
				if (once[0] == null) {
					once[0] = Placeholders.of(connection, settings, table);
				}
				return once[0];
			};
		}

	}

	/**
	 * Reads the history without changing anything; when it is empty, the rows the first
	 * run would adopt from Flyway's history table stand in for it, so that status and
	 * plan show what that run will do.
	 * @param history Cairn's history table
	 * @param connection a connection in autocommit
	 * @param settings the run's settings
	 * @param resolved the migrations that exist
	 * @return the history rows, or those the first run would adopt
	 */
	static List<AppliedMigration> historyOrAdoption(HistoryTable history, Connection connection,
			MigratorSettings settings, List<ResolvedMigration> resolved) throws SQLException {
		List<AppliedMigration> rows = history.readIfExists(connection);
		if (!rows.isEmpty()) {
			return rows;
		}
		Adoption adoption = find(connection, settings, resolved,
				PlaceholderSource.lazy(connection, settings, history.name()));
		return (adoption != null) ? adoption.rows() : rows;
	}

}
