package dev.cairn.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The history table: one row per applied migration, created on first use and read in one
 * query.
 */
final class HistoryTable {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

	private static final String UNDEFINED_TABLE = "42P01";

	private static final String UNDEFINED_COLUMN = "42703";

	static final String NOT_NULL_VIOLATION = "23502";

	private final @Nullable String schema;

	private final String table;

	private final String qualified;

	private boolean keepsText;

	/**
	 * Creates the table's description from the settings, refusing names that are not
	 * plain identifiers, because they end up in SQL text.
	 */
	HistoryTable(String table, @Nullable String schema) {
		String name = table.trim();
		String schemaName = (schema != null && !schema.isBlank()) ? schema.trim() : null;
		int dot = name.indexOf('.');
		if (dot >= 0) {
			if (schemaName != null) {
				throw new MigrationException("The history table '" + table + "' names a schema and cairn.schema is '"
						+ schema + "' as well. Set only one of them.");
			}
			schemaName = name.substring(0, dot);
			name = name.substring(dot + 1);
		}
		check(name, "table name", table);
		if (schemaName != null) {
			check(schemaName, "schema name", schemaName);
		}
		this.schema = schemaName;
		this.table = name;
		this.qualified = ((schemaName != null) ? quote(schemaName) + "." : "") + quote(name);
	}

	private static void check(String identifier, String what, String setting) {
		if (!IDENTIFIER.matcher(identifier).matches()) {
			throw new MigrationException("'" + setting + "' is not a valid history " + what + ": use letters, digits, "
					+ "underscores and $ only, starting with a letter or underscore, at most 63 characters "
					+ "(for example cairn_history or audit.cairn_history).");
		}
	}

	private static String quote(String identifier) {
		return '"' + identifier + '"';
	}

	/**
	 * Returns the table's name as written in SQL, quoted and, when a schema is set,
	 * qualified.
	 * @return the SQL name
	 */
	String sqlName() {
		return this.qualified;
	}

	/**
	 * Returns the table's name for messages, without quotes.
	 * @return the display name
	 */
	String displayName() {
		return (this.schema != null) ? this.schema + "." + this.table : this.table;
	}

	/**
	 * Reads every row in installed order, creating the table (and its schema, if allowed)
	 * when it is absent.
	 */
	List<AppliedMigration> readOrCreate(Connection connection, boolean createSchema) throws SQLException {
		List<AppliedMigration> rows;
		try {
			rows = read(connection);
		}
		catch (SQLException ex) {
			if (!UNDEFINED_TABLE.equals(ex.getSQLState())) {
				throw ex;
			}
			create(connection, createSchema);
			this.keepsText = true;
			return List.of();
		}
		this.keepsText = hasTextColumn(connection);
		return rows;
	}

	/**
	 * Tells whether the table has the {@code applied_text} column, which tables made by
	 * Cairn before it kept applied texts lack; they work as before, without diffs of
	 * edited files.
	 */
	private boolean hasTextColumn(Connection connection) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_attribute WHERE attrelid = "
				+ "to_regclass(?) AND attname = 'applied_text' AND NOT attisdropped")) {
			statement.setString(1, this.qualified);
			try (ResultSet result = statement.executeQuery()) {
				return result.next();
			}
		}
	}

	/**
	 * Reads the normalised text that history rows applied, where it was kept.
	 * @param connection a connection in autocommit
	 * @param ranks the installed ranks of the rows
	 * @return the texts by installed rank; rows without a kept text are left out
	 */
	Map<Integer, String> appliedTexts(Connection connection, Collection<Integer> ranks) throws SQLException {
		if (ranks.isEmpty()) {
			return Map.of();
		}
		Map<Integer, String> texts = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement("SELECT installed_rank, applied_text FROM "
				+ this.qualified + " WHERE installed_rank = ANY (?) AND applied_text IS NOT NULL")) {
			statement.setArray(1, connection.createArrayOf("integer", ranks.toArray()));
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					String text = MigrationText.decompress(result.getBytes(2));
					if (text != null) {
						texts.put(result.getInt(1), text);
					}
				}
			}
		}
		catch (SQLException ex) {
			if (!UNDEFINED_COLUMN.equals(ex.getSQLState())) {
				throw ex;
			}
		}
		return texts;
	}

	/**
	 * Reads every row in installed order; a table that does not exist yet reads as empty.
	 */
	List<AppliedMigration> readIfExists(Connection connection) throws SQLException {
		try {
			return read(connection);
		}
		catch (SQLException ex) {
			if (UNDEFINED_TABLE.equals(ex.getSQLState())) {
				return List.of();
			}
			throw ex;
		}
	}

	/**
	 * Reads the rows above an installed rank, such as the ones a pipelined group of
	 * migrations committed.
	 * @param connection the connection
	 * @param rank the highest rank not to read
	 * @return the rows in installed order
	 */
	List<AppliedMigration> readAfter(Connection connection, int rank) throws SQLException {
		return read(connection, " WHERE installed_rank > " + rank);
	}

	private List<AppliedMigration> read(Connection connection) throws SQLException {
		return read(connection, "");
	}

	private List<AppliedMigration> read(Connection connection, String where) throws SQLException {
		String sql = "SELECT installed_rank, version, description, type, script, checksum, installed_by, "
				+ "installed_on, execution_ms, success, statements_done FROM " + this.qualified + where
				+ " ORDER BY installed_rank";
		List<AppliedMigration> rows = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			while (result.next()) {
				rows.add(new AppliedMigration(result.getInt(1), result.getString(2), result.getString(3),
						type(result.getString(4), result.getInt(1)), result.getString(5), result.getString(6),
						result.getString(7), result.getObject(8, OffsetDateTime.class).toInstant(), result.getInt(9),
						result.getBoolean(10), (Integer) result.getObject(11)));
			}
		}
		catch (SQLException ex) {
			// A missing column, or a column whose values do not read as Cairn's types
			// (class 22 data exceptions).
			String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
			if (UNDEFINED_COLUMN.equals(state) || state.startsWith("22")) {
				ServerErrorMessage server = (ex instanceof PSQLException psql) ? psql.getServerErrorMessage() : null;
				String reason = (server != null && server.getMessage() != null) ? server.getMessage() : ex.getMessage();
				throw MigrationException.causedBy("Table " + displayName() + " exists but is not a Cairn history "
						+ "table (" + reason + "). It may belong to another tool. Set cairn.table to another name, or "
						+ "rename that table.", ex);
			}
			throw ex;
		}
		return rows;
	}

	private MigrationType type(String type, int rank) {
		try {
			return MigrationType.valueOf(type);
		}
		catch (IllegalArgumentException ex) {
			throw new MigrationException("Row " + rank + " of " + displayName() + " has type '" + type
					+ "', which Cairn does not know. The history table was edited by hand or by a newer Cairn; fix "
					+ "the row or upgrade Cairn.");
		}
	}

	private void create(Connection connection, boolean createSchema) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			if (this.schema != null && createSchema) {
				statement.execute("CREATE SCHEMA IF NOT EXISTS " + quote(this.schema));
			}
			statement.execute("CREATE TABLE IF NOT EXISTS " + this.qualified + " (" //
					+ "installed_rank integer PRIMARY KEY, " //
					+ "version text, " //
					+ "description text NOT NULL, " //
					+ "type text NOT NULL, " //
					+ "script text NOT NULL, " //
					+ "checksum text, " //
					+ "installed_by text NOT NULL DEFAULT current_user, " //
					+ "installed_on timestamptz NOT NULL DEFAULT now(), " //
					+ "execution_ms integer NOT NULL, " //
					+ "success boolean NOT NULL, " //
					+ "statements_done integer, " //
					+ "applied_text bytea)");
		}
		catch (SQLException ex) {
			if ("3F000".equals(ex.getSQLState())) {
				throw MigrationException.causedBy("Schema " + this.schema + " for the history table does not "
						+ "exist. Create it, or set cairn.create-schema=true to let Cairn create it.", ex);
			}
			throw ex;
		}
	}

	/**
	 * Inserts a row, but only while the given session still holds the migration lock, so
	 * that a run that lost its lock can never record (and, inside a transaction, never
	 * commit) a migration.
	 * @return the inserted row, or {@code null} when the lock is no longer held
	 */
	@Nullable AppliedMigration insert(Connection connection, Row row, AdvisoryLock lock) throws SQLException {
		boolean text = this.keepsText && row.appliedText() != null;
		String sql = "INSERT INTO " + this.qualified + " (installed_rank, version, description, type, script, "
				+ "checksum, execution_ms, success, statements_done" + (text ? ", applied_text" : "")
				+ ") SELECT coalesce(max(installed_rank), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?" + (text ? ", ?" : "")
				+ " FROM " + this.qualified + " HAVING " + lock.heldCondition()
				+ " RETURNING installed_rank, installed_by, installed_on";
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, row.version());
			statement.setString(2, row.description());
			statement.setString(3, row.type().name());
			statement.setString(4, row.script());
			statement.setString(5, row.checksum());
			statement.setInt(6, row.executionMs());
			statement.setBoolean(7, row.success());
			if (row.statementsDone() != null) {
				statement.setInt(8, row.statementsDone());
			}
			else {
				statement.setNull(8, Types.INTEGER);
			}
			if (text) {
				statement.setBytes(9, row.appliedText());
			}
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					return null;
				}
				Timestamp installedOn = result.getTimestamp(3);
				return new AppliedMigration(result.getInt(1), row.version(), row.description(), row.type(),
						row.script(), row.checksum(), result.getString(2), installedOn.toInstant(), row.executionMs(),
						row.success(), row.statementsDone());
			}
		}
	}

	/**
	 * Returns an {@code INSERT} of a successful migration's row, with its values written
	 * into the text so that it can go in a JDBC batch with the migration, and with its
	 * {@code execution_ms} measured by the server from the start of the transaction. When
	 * the given session no longer holds the migration lock, its rank is {@code NULL}, so
	 * that the insert fails ({@link #NOT_NULL_VIOLATION}) and the transaction it is part
	 * of can never commit.
	 * @param row the row's values; its {@code executionMs} is not used
	 * @param lock the migration lock
	 * @return the statement
	 */
	String insertInTransaction(Row row, AdvisoryLock lock) {
		boolean text = this.keepsText && row.appliedText() != null;
		return "INSERT INTO " + this.qualified + " (installed_rank, version, description, type, script, checksum, "
				+ "execution_ms, success, statements_done" + (text ? ", applied_text" : "") + ") SELECT CASE WHEN "
				+ lock.heldCondition() + " THEN coalesce(max(installed_rank), 0) + 1 END, " + literal(row.version())
				+ ", " + literal(row.description()) + ", " + literal(row.type().name()) + ", " + literal(row.script())
				+ ", " + literal(row.checksum()) + ", (extract(epoch FROM clock_timestamp() - now()) * 1000)::integer, "
				+ "true, NULL" + (text ? ", decode('" + HexFormat.of().formatHex(row.appliedText()) + "', 'hex')" : "")
				+ " FROM " + this.qualified;
	}

	/**
	 * Writes a value as an escape string constant, which reads the same whatever
	 * {@code standard_conforming_strings} is.
	 */
	private static String literal(@Nullable String value) {
		return (value != null) ? "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'" : "NULL";
	}

	/**
	 * Returns the table's name, unqualified and unquoted.
	 * @return the name
	 */
	String name() {
		return this.table;
	}

	/**
	 * The values of a row to insert.
	 */
	record Row(@Nullable String version, String description, MigrationType type, String script,
			@Nullable String checksum, int executionMs, boolean success, @Nullable Integer statementsDone,
			byte @Nullable [] appliedText) {

		Row(@Nullable String version, String description, MigrationType type, String script,
				@Nullable String checksum) {
			this(version, description, type, script, checksum, 0, true, null, null);
		}

	}

}
