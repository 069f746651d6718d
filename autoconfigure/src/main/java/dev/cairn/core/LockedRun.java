package dev.cairn.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One run under the migration lock: what exists, the history as it grows, the working
 * connection, the lock, and what the run did so far.
 */
final class LockedRun implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LockedRun.class);

	final Instant startedAt;

	final List<ResolvedMigration> resolved;

	final List<AppliedMigration> rows;

	final Connection connection;

	final AdvisoryLock lock;

	final MigrationExecutor executor;

	final HistoryTable history;

	private final MigratorSettings settings;

	private final MigrationListener listener;

	private final @Nullable String applicationName;

	private final int prepareThreshold;

	final List<MigrateResult.Applied> done = new ArrayList<>();

	final List<String> callbacksRun = new ArrayList<>();

	private @Nullable Placeholders placeholders;

	LockedRun(Instant startedAt, List<ResolvedMigration> resolved, List<AppliedMigration> rows, Connection connection,
			@Nullable String applicationName, int prepareThreshold, AdvisoryLock lock, HistoryTable history,
			MigratorSettings settings, MigrationListener listener) throws SQLException {
		this.startedAt = startedAt;
		this.resolved = resolved;
		this.rows = new ArrayList<>(rows);
		this.connection = connection;
		this.applicationName = applicationName;
		this.prepareThreshold = prepareThreshold;
		this.lock = lock;
		this.history = history;
		this.settings = settings;
		this.listener = listener;
		this.executor = new MigrationExecutor(connection, history, lock, settings);
	}

	/**
	 * Takes the migration lock, then opens the working connection, names it, and reads
	 * the history under the lock (creating the table on first use).
	 */
	static LockedRun open(DataSource dataSource, HistoryTable history, MigratorSettings settings,
			MigrationListener listener, List<ResolvedMigration> resolved, Instant startedAt) throws SQLException {
		AdvisoryLock lock = AdvisoryLock.acquire(dataSource, history.displayName(), settings.lockWaitTimeout(),
				settings.poolerMode(), listener);
		Connection connection = null;
		try {
			connection = dataSource.getConnection();
			connection.setAutoCommit(true);
			int prepareThreshold = lock.pooler().unnamedStatements(connection);
			String applicationName = ApplicationName.name(connection, ApplicationName.MIGRATE);
			List<AppliedMigration> rows = history.readOrCreate(connection, settings.createSchema());
			return new LockedRun(startedAt, resolved, rows, connection, applicationName, prepareThreshold, lock,
					history, settings, listener);
		}
		catch (SQLException | RuntimeException ex) {
			if (connection != null) {
				try {
					connection.close();
				}
				catch (SQLException closing) {
					ex.addSuppressed(closing);
				}
			}
			lock.close();
			throw ex;
		}
	}

	/**
	 * Merges the files with the history as it stands now; a modified migration's problem
	 * shows what changed when its applied text was kept.
	 */
	MigrationPlan plan() throws SQLException {
		return MigrationPlan.of(this.resolved, this.rows, this.settings,
				(ranks) -> this.history.appliedTexts(this.connection, ranks));
	}

	/**
	 * Adds a row this run wrote to the history; one that {@code counts} is also reported
	 * as applied.
	 * @param row the row, or {@code null} when it could not be written because the lock
	 * was lost
	 * @param counts whether the row is a migration applied or undone, rather than a
	 * marker
	 */
	void record(@Nullable AppliedMigration row, boolean counts) {
		if (row == null) {
			throw new MigrationException("Lost the migration lock: its session ended (was it terminated?). "
					+ "Nothing more was recorded, so that two instances never migrate at once. Restart to continue.");
		}
		this.rows.add(row);
		if (counts) {
			MigrateResult.Applied applied = new MigrateResult.Applied(row.version(), row.description(), row.type(),
					row.script(), Duration.ofMillis(row.executionMs()));
			this.done.add(applied);
			this.listener.migrationApplied(applied);
		}
	}

	/**
	 * Tells the listener that the run is about to apply migrations, when it is.
	 * @param status the status before the run
	 */
	void beforeApplying(MigrationStatus status) {
		if (!status.pending().isEmpty()) {
			this.listener.beforeApplying(status);
		}
	}

	AppliedMigration insert(HistoryTable.Row row) throws SQLException {
		AppliedMigration inserted = this.history.insert(this.connection, row, this.lock);
		record(inserted, false);
		return Objects.requireNonNull(inserted);
	}

	@Nullable ResolvedMigration resolved(String version) {
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

	/**
	 * Runs the callbacks of one event, each in its own transaction.
	 * @param callbacks the parsed callbacks of the run
	 * @param event the event
	 */
	void callbacks(List<ParsedCallback> callbacks, SqlCallback.Event event) throws SQLException {
		for (ParsedCallback callback : callbacks) {
			if (callback.file().event() == event) {
				this.executor.callback(callback.file(), callback.script(), this.done.size());
				this.callbacksRun.add(callback.file().script());
			}
		}
	}

	/**
	 * A callback file with its parsed text.
	 */
	record ParsedCallback(SqlCallback file, SqlScript script) {

		static List<ParsedCallback> of(List<SqlCallback> callbacks) {
			List<ParsedCallback> parsed = new ArrayList<>();
			for (SqlCallback callback : callbacks) {
				SqlScript script = SqlScript.parse(callback.script(), callback.text());
				if (!script.transactional()) {
					throw MigrationException.inFile(callback.script(), "Callback " + callback.script() + " says "
							+ "-- cairn:no-transaction, but callbacks run in a transaction each. Remove the directive, "
							+ "or move the statements that need it into a migration.", null);
				}
				parsed.add(new ParsedCallback(callback, script));
			}
			return parsed;
		}

	}

	/**
	 * Returns the values of Flyway's placeholders for this run, read from the connection
	 * once.
	 * @return the placeholders
	 */
	Placeholders placeholders() throws SQLException {
		if (this.placeholders == null) {
			this.placeholders = Placeholders.of(this.connection, this.settings, this.history.name());
		}
		return this.placeholders;
	}

	/**
	 * Adopts Flyway's history table (or the one {@code cairn.adopt-from} names) into the
	 * empty history: after checking every applied file against the checksum Flyway
	 * recorded, writes one row per migration Flyway applied, in one transaction, and logs
	 * what it adopted. Does nothing when there is no such table.
	 */
	void adopt() throws SQLException {
		FlywayHistory.Adoption adoption = FlywayHistory.find(this.connection, this.settings, this.resolved,
				this::placeholders);
		if (adoption == null) {
			return;
		}
		List<AppliedMigration> written = AdoptedRows.insert(this.history, this.connection, adoption.rows(), this.lock);
		if (written == null) {
			record(null, false);
		}
		this.rows.addAll(written);
		logger.info(adoption.describe());
	}

	/**
	 * Records a baseline at a version.
	 * @param version the version the existing schema corresponds to
	 * @return the baseline row
	 */
	AppliedMigration recordBaseline(String version) throws SQLException {
		String canonical = MigrationVersion.parse(version).toString();
		AppliedMigration row = insert(
				new HistoryTable.Row(canonical, "baseline", MigrationType.BASELINE, "baseline " + canonical, null));
		logger.info("Recorded baseline at version " + canonical + ": migrations up to it will never run");
		return row;
	}

	MigrateResult result(MigrateResult.Operation operation) throws SQLException {
		return new MigrateResult(operation, this.startedAt, Instant.now(), this.lock.waited(), this.done,
				plan().status(), this.callbacksRun);
	}

	/**
	 * Gives the connection back as it was lent (its {@code application_name} included)
	 * and releases the lock; failures here are logged, never thrown, so they cannot hide
	 * the run's own result or error.
	 */
	@Override
	public void close() {
		try (AdvisoryLock held = this.lock; Connection connection = this.connection) {
			if (this.applicationName != null && !connection.isClosed()) {
				ApplicationName.set(connection, this.applicationName);
			}
			this.lock.pooler().restoreStatements(connection, this.prepareThreshold);
		}
		catch (SQLException ex) {
			logger.warn("Could not close the migration connection: " + ex.getMessage());
		}
	}

}
