package dev.cairn.core;

/**
 * How a migration was, or will be, applied; stored in the history table's {@code type}
 * column.
 */
public enum MigrationType {

	/** A versioned SQL file run in one transaction with its history row. */
	SQL,

	/**
	 * A versioned SQL file marked {@code -- cairn:no-transaction}, run statement by
	 * statement in autocommit.
	 */
	SQL_NO_TX,

	/** A Spring bean implementing {@link JavaMigration}. */
	JAVA,

	/** An {@code R__} file, re-applied whenever its checksum changes. */
	REPEATABLE,

	/** A marker row: the schema already holds everything up to this version. */
	BASELINE,

	/** A row recording that a down file undid a migration. */
	ROLLBACK,

	/**
	 * A callback file, as {@link Migrator#plan()} lists it; never a row of the history
	 * table.
	 */
	CALLBACK,

	/**
	 * A row written by repair: the migration counts as applied with this row's checksum
	 * (an accepted edit, or a failed migration the user completed by hand).
	 */
	REPAIR,

	/**
	 * A row adopted from another runner's history table (Flyway's
	 * {@code flyway_schema_history}, or the table named by {@code cairn.adopt-from}): the
	 * migration counts as applied, with the installed-by, installed-on and execution time
	 * that runner recorded and Cairn's own checksum of the file.
	 */
	ADOPTED

}
