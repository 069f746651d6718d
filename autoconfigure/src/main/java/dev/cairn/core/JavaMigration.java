package dev.cairn.core;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A migration written in Java, for what SQL cannot say; declare it as a Spring bean and
 * it is ordered with the SQL files by version and runs in its own transaction together
 * with its history row, like a SQL file.
 */
public interface JavaMigration {

	/**
	 * Returns the version, in the same form as a file name's ({@code 7}, {@code 1.2},
	 * {@code 20240131120000}).
	 * @return the version
	 */
	String version();

	/**
	 * Returns the description shown in the history and the endpoint.
	 * @return the description
	 */
	String description();

	/**
	 * Applies the migration inside the migration's transaction.
	 * @param jdbc a template on the migration's connection and transaction
	 * @throws Exception any failure, which rolls the migration back
	 */
	void migrate(JdbcTemplate jdbc) throws Exception;

	/**
	 * Tells whether {@link #rollback(JdbcTemplate)} can undo this migration.
	 * @return {@code false} unless overridden
	 */
	default boolean hasRollback() {
		return false;
	}

	/**
	 * Undoes the migration inside a transaction, for {@link Migrator#rollback(String)}.
	 * @param jdbc a template on the rollback's connection and transaction
	 * @throws Exception any failure, which rolls the undo back
	 */
	default void rollback(JdbcTemplate jdbc) throws Exception {
		throw new UnsupportedOperationException(getClass().getName() + " cannot be rolled back");
	}

	/**
	 * Returns a checksum recorded with the migration, so that a changed implementation is
	 * reported as modified; {@code null} (the default) records none and never compares.
	 * @return the checksum, or {@code null}
	 */
	default @Nullable String checksum() {
		return null;
	}

}
