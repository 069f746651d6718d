package dev.cairn.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Writes the history rows adopted from Flyway's or another runner's table into Cairn's.
 */
final class AdoptedRows {

	private AdoptedRows() {
	}

	/**
	 * Writes rows adopted from another runner's history, with the installed-by,
	 * installed-on and execution time that runner recorded, in one transaction, and only
	 * while the given session still holds the migration lock.
	 * @return the rows as written (ranked after any rows already in the table), or
	 * {@code null} when the lock is no longer held and nothing was written
	 */
	static @Nullable List<AppliedMigration> insert(HistoryTable history, Connection connection,
			List<AppliedMigration> rows, AdvisoryLock lock) throws SQLException {
		String sql = "INSERT INTO " + history.sqlName() + " (installed_rank, version, description, type, script, "
				+ "checksum, installed_by, installed_on, execution_ms, success) SELECT coalesce(max(installed_rank), 0) "
				+ "+ 1, ?, ?, ?, ?, ?, ?, ?, ?, true FROM " + history.sqlName() + " HAVING " + lock.heldCondition()
				+ " RETURNING installed_rank";
		List<AppliedMigration> written = new ArrayList<>();
		connection.setAutoCommit(false);
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (AppliedMigration row : rows) {
				statement.setString(1, row.version());
				statement.setString(2, row.description());
				statement.setString(3, row.type().name());
				statement.setString(4, row.script());
				statement.setString(5, row.checksum());
				statement.setString(6, row.installedBy());
				statement.setTimestamp(7, Timestamp.from(row.installedOn()));
				statement.setInt(8, row.executionMs());
				try (ResultSet result = statement.executeQuery()) {
					if (!result.next()) {
						connection.rollback();
						return null;
					}
					written.add(new AppliedMigration(result.getInt(1), row.version(), row.description(), row.type(),
							row.script(), row.checksum(), row.installedBy(), row.installedOn(), row.executionMs(), true,
							null));
				}
			}
			connection.commit();
			return written;
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setAutoCommit(true);
		}
	}

}
