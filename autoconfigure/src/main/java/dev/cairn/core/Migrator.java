package dev.cairn.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

/**
 * Applies pending migrations to one PostgreSQL database, exactly once each, in order.
 * <p>
 * A run reads top to bottom: resolve the files (bad names, duplicates and bad encoding fail here, before any
 * connection), take the migration lock, read the history table in one query (creating it on first use), merge both
 * into a {@link MigrationPlan} and refuse to go on if they disagree, parse every pending file (so a file that
 * cannot run fails before anything runs), then apply each pending migration with its history row, and release the
 * lock, also after a failure.
 */
public final class Migrator {

	private final DataSource dataSource;

	private final MigratorSettings settings;

	private final MigrationListener listener;

	private final MigrationSource source;

	private final HistoryTable history;

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
		this.source = new MigrationSource(settings.locations(), List.of(), Thread.currentThread().getContextClassLoader());
		this.history = new HistoryTable(settings.table(), settings.schema());
	}

	/**
	 * Applies every pending migration.
	 * @return what the run did
	 * @throws MigrationException if a migration fails or the history disagrees with the files
	 */
	public MigrateResult migrate() {
		Instant startedAt = Instant.now();
		Duration lockWait = Duration.ZERO;
		try {
			List<ResolvedMigration> resolved = this.source.resolve();
			try (AdvisoryLock lock = AdvisoryLock.acquire(this.dataSource, this.history.displayName(),
					this.settings.lockWaitTimeout(), this.listener);
					Connection connection = this.dataSource.getConnection()) {
				lockWait = lock.waited();
				connection.setAutoCommit(true);
				List<AppliedMigration> rows = new ArrayList<>(
						this.history.readOrCreate(connection, this.settings.createSchema()));
				MigrationPlan plan = MigrationPlan.of(resolved, rows, this.settings);
				refuseProblems(plan);
				List<SqlScript> scripts = new ArrayList<>();
				for (ResolvedMigration migration : plan.pending()) {
					scripts.add(SqlScript.parse(migration.script(), migration.text()));
				}
				MigrationExecutor executor = new MigrationExecutor(connection, this.history, lock, this.settings);
				List<MigrateResult.Applied> applied = new ArrayList<>();
				for (int i = 0; i < scripts.size(); i++) {
					ResolvedMigration migration = plan.pending().get(i);
					AppliedMigration row = executor.apply(migration, scripts.get(i), applied.size());
					rows.add(row);
					MigrateResult.Applied done = new MigrateResult.Applied(row.version(), row.description(),
							row.type(), row.script(), Duration.ofMillis(row.executionMs()));
					applied.add(done);
					this.listener.migrationApplied(done);
				}
				MigrationPlan after = applied.isEmpty() ? plan : MigrationPlan.of(resolved, rows, this.settings);
				MigrateResult result = new MigrateResult(startedAt, Instant.now(), lockWait, applied,
						after.currentVersion(), after.migrations());
				this.listener.runFinished(result);
				return result;
			}
		}
		catch (SQLException ex) {
			MigrationException failure = new MigrationException("Migration run against the database failed: "
					+ ex.getMessage() + " (SQLSTATE " + ex.getSQLState() + "). Check that the database is reachable "
					+ "and that the migration user may create and write " + this.history.displayName() + ".", null,
					ex.getSQLState(), 0, 0, ex);
			this.listener.runFailed(failure, lockWait);
			throw failure;
		}
		catch (MigrationException ex) {
			this.listener.runFailed(ex, lockWait);
			throw ex;
		}
	}

	private void refuseProblems(MigrationPlan plan) {
		if (plan.problems().isEmpty()) {
			return;
		}
		String intro = (plan.problems().size() == 1) ? "" : plan.problems().size() + " problems stop the run:\n- ";
		throw new MigrationException("Nothing was applied. " + intro + String.join("\n- ", plan.problems()));
	}

	/**
	 * Merges the files with the history table without changing anything.
	 * @return every migration with its state, in the order they apply
	 */
	public List<MigrationInfo> info() {
		return plan().migrations();
	}

	/**
	 * Merges the files with the history table without changing anything, not even creating the table.
	 * @return the plan, with what a run would apply and what stops it
	 */
	public MigrationPlan plan() {
		List<ResolvedMigration> resolved = this.source.resolve();
		try (Connection connection = this.dataSource.getConnection()) {
			return MigrationPlan.of(resolved, this.history.readIfExists(connection), this.settings);
		}
		catch (SQLException ex) {
			throw new MigrationException("Could not read the history table " + this.history.displayName() + ": "
					+ ex.getMessage() + ". Check that the database is reachable.", null, ex.getSQLState(), 0, 0, ex);
		}
	}

	/**
	 * Checks that the history agrees with the files, without applying anything.
	 * @throws MigrationException naming every modified, missing, out-of-order or failed migration
	 */
	public void validate() {
		refuseProblems(plan());
	}

	/**
	 * Returns the settings this migrator runs with.
	 * @return the settings
	 */
	public MigratorSettings settings() {
		return this.settings;
	}

	/**
	 * Returns the history table's name as messages show it.
	 * @return the name, schema-qualified when a schema is set
	 */
	public String historyTable() {
		return this.history.displayName();
	}

}
