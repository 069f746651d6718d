package dev.cairn.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One locked run: what exists, the history as it grows, the working connection and the lock.
 */
final class LockedRun implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Migrator.class);

	final Instant startedAt;

	final List<ResolvedMigration> resolved;

	final List<AppliedMigration> rows;

	final Connection connection;

	final AdvisoryLock lock;

	final MigrationExecutor executor;

	private final MigratorSettings settings;

	private final MigrationListener listener;

	final List<MigrateResult.Applied> done = new ArrayList<>();

	LockedRun(Instant startedAt, List<ResolvedMigration> resolved, List<AppliedMigration> rows, Connection connection,
			AdvisoryLock lock, MigrationExecutor executor, MigratorSettings settings, MigrationListener listener) {
		this.startedAt = startedAt;
		this.resolved = resolved;
		this.rows = new ArrayList<>(rows);
		this.connection = connection;
		this.lock = lock;
		this.executor = executor;
		this.settings = settings;
		this.listener = listener;
	}

	MigrationPlan plan() {
		return MigrationPlan.of(this.resolved, this.rows, this.settings);
	}

	void record(@Nullable AppliedMigration row, boolean counts) {
		if (row == null) {
			throw new MigrationException("Lost the migration lock: its session ended (was it terminated?). "
					+ "Nothing more was recorded, so that two instances never migrate at once. LockedRun again.");
		}
		this.rows.add(row);
		if (counts) {
			MigrateResult.Applied applied = new MigrateResult.Applied(row.version(), row.description(), row.type(),
					row.script(), Duration.ofMillis(row.executionMs()));
			this.done.add(applied);
			this.listener.migrationApplied(applied);
		}
	}

	ResolvedMigration resolved(String version) {
		return Objects.requireNonNull(resolvedOrNull(version));
	}

	@Nullable ResolvedMigration resolvedOrNull(String version) {
		MigrationVersion wanted = MigrationVersion.parse(version);
		for (ResolvedMigration migration : this.resolved) {
			if (wanted.equals(migration.version())) {
				return migration;
			}
		}
		return null;
	}

	AppliedMigration lastRow(String version) {
		MigrationVersion wanted = MigrationVersion.parse(version);
		AppliedMigration last = null;
		for (AppliedMigration row : this.rows) {
			if (row.version() != null && wanted.equals(MigrationVersion.parse(row.version()))) {
				last = row;
			}
		}
		return Objects.requireNonNull(last);
	}

	MigrateResult result() {
		MigrationPlan after = plan();
		return new MigrateResult(this.startedAt, Instant.now(), this.lock.waited(), this.done,
				after.currentVersion(), after.migrations());
	}

	/**
	 * Returns the connection to its pool and releases the lock; failures here are logged, never thrown, so
	 * they cannot hide the run's own result or error.
	 */
	@Override
	public void close() {
		try (AdvisoryLock held = this.lock) {
			this.connection.close();
		}
		catch (SQLException ex) {
			logger.warn("Could not close the migration connection: " + ex.getMessage());
		}
	}

}
