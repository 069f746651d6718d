package dev.cairn.core;

import java.util.List;

import javax.sql.DataSource;

/**
 * Applies pending migrations to one PostgreSQL database, exactly once each, in order.
 */
public final class Migrator {

	private final DataSource dataSource;

	private final MigratorSettings settings;

	private final MigrationListener listener;

	/**
	 * Creates a migrator that reports to no listener.
	 * @param dataSource where the migrations run; it must be able to hand out two connections at once
	 * @param settings the settings
	 */
	public Migrator(DataSource dataSource, MigratorSettings settings) {
		this(dataSource, settings, MigrationListener.NONE);
	}

	/**
	 * Creates a migrator.
	 * @param dataSource where the migrations run; it must be able to hand out two connections at once
	 * @param settings the settings
	 * @param listener hears about lock waits, applied migrations and finished runs
	 */
	public Migrator(DataSource dataSource, MigratorSettings settings, MigrationListener listener) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.listener = listener;
	}

	/**
	 * Applies every pending migration.
	 * @return what the run did
	 * @throws MigrationException if a migration fails or the history disagrees with the files
	 */
	public MigrateResult migrate() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Merges the files with the history table without changing anything.
	 * @return every migration with its state, in the order they apply
	 */
	public List<MigrationInfo> info() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Checks that the history agrees with the files, without applying anything.
	 * @throws MigrationException naming every modified, missing, out-of-order or failed migration
	 */
	public void validate() {
		throw new UnsupportedOperationException("not yet");
	}

	/**
	 * Returns the settings this migrator runs with.
	 * @return the settings
	 */
	public MigratorSettings settings() {
		return this.settings;
	}

}
