package dev.cairn.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import dev.cairn.core.MigrateResult.Operation;

/**
 * Applies pending migrations to one PostgreSQL database, exactly once each, in order, and
 * undoes, baselines and repairs them on request.
 * <p>
 * A run reads top to bottom: resolve the files (bad names, duplicates and bad encoding
 * fail here, before any connection), take the migration lock, read the history table in
 * one query (creating it on first use), merge both into one {@link MigrationStatus} and
 * refuse to go on if they disagree, parse every file the run will execute (so a file that
 * cannot run fails before anything runs), then apply each migration with its history row,
 * and release the lock, also after a failure. Every verb tells the listener how it ended,
 * with {@code runFinished} or {@code runFailed}.
 */
public final class Migrator {

	private final DataSource dataSource;

	private final MigratorSettings settings;

	private final MigrationListener listener;

	private final MigrationSource source;

	private final HistoryTable history;

	private final Runs runs;

	/**
	 * Creates a migrator for SQL files only, reporting to no listener.
	 * @param dataSource where the migrations run; it must be able to hand out two
	 * connections at once
	 * @param settings the settings
	 */
	public Migrator(DataSource dataSource, MigratorSettings settings) {
		this(dataSource, settings, MigrationListener.NONE, List.of());
	}

	/**
	 * Creates a migrator.
	 * @param dataSource where the migrations run; it must be able to hand out two
	 * connections at once
	 * @param settings the settings
	 * @param listener hears about lock waits, applied migrations and how each run ended;
	 * one that throws is logged and never changes the run's outcome
	 * @param javaMigrations migrations written in Java, ordered with the files by version
	 */
	public Migrator(DataSource dataSource, MigratorSettings settings, MigrationListener listener,
			List<JavaMigration> javaMigrations) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.listener = MigrationListeners.guard(listener);
		this.source = new MigrationSource(settings.locations(), List.copyOf(javaMigrations),
				Thread.currentThread().getContextClassLoader());
		this.history = new HistoryTable(settings.table(), settings.schema());
		this.runs = new Runs(dataSource, this.history, settings, this.listener, this.source::resolve,
				this::statusOrNull);
	}

	/**
	 * Applies every pending migration (up to the target version, when one is set).
	 * @return what the run did
	 * @throws MigrationException if a migration fails or the history disagrees with the
	 * files
	 */
	public MigrateResult migrate() {
		Instant startedAt = Instant.now();
		MigrationSource.Resolved resolved;
		MigrateResult upToDate;
		try {
			resolved = this.source.resolveAll();
			// Callbacks such as afterMigrate run on every migrate, so a run with
			// callbacks takes the lock.
			upToDate = resolved.callbacks().isEmpty() ? upToDate(resolved.migrations(), startedAt) : null;
		}
		catch (SQLException | MigrationException ex) {
			throw this.runs.failed(Operation.MIGRATE, startedAt, null, ex);
		}
		if (upToDate != null) {
			this.listener.runFinished(upToDate);
			return upToDate;
		}
		return this.runs.underLock(Operation.MIGRATE, resolved.migrations(), startedAt, (run) -> {
			Apply.pending(run, this.settings, resolved.callbacks());
			return null;
		}).result();
	}

	/**
	 * Looks, without the lock and on one connection, whether there is nothing to do: then
	 * a run needs neither the lock nor its second connection, which is what most
	 * application starts find. Anything pending, or anything wrong, takes the locked
	 * path, which reads the history again under the lock.
	 */
	private @Nullable MigrateResult upToDate(List<ResolvedMigration> resolved, Instant startedAt) throws SQLException {
		List<AppliedMigration> rows;
		try (Connection connection = this.dataSource.getConnection()) {
			rows = this.history.readIfExists(connection);
		}
		if (rows.isEmpty()) {
			return null;
		}
		MigrationStatus status = MigrationPlan.of(resolved, rows, this.settings).status();
		return status.upToDate()
				? new MigrateResult(Operation.MIGRATE, startedAt, Instant.now(), Duration.ZERO, List.of(), status)
				: null;
	}

	/**
	 * Undoes every applied migration above a version, newest first, with their down
	 * files; the migration at that version stays applied. To undo everything, version 0
	 * included, use {@link #rollbackAll()}.
	 * @param target the version to return to
	 * @return what the rollback did; its migrations are the ones undone
	 * @throws MigrationException naming every migration to undo that has no down file,
	 * before anything runs
	 */
	public MigrateResult rollback(String target) {
		Instant startedAt = Instant.now();
		MigrationVersion to;
		try {
			to = MigrationVersion.parse(target);
		}
		catch (MigrationException ex) {
			throw this.runs.failed(Operation.ROLLBACK, startedAt, null, new MigrationException("Cannot roll back to '"
					+ target + "': it is not a version. Use digits, optionally dotted (0, 3, 1.2)."));
		}
		return rollback(startedAt, "to version " + to,
				(applied) -> applied.stream().filter((m) -> m.version().compareTo(to) > 0).toList());
	}

	/**
	 * Undoes every applied migration, newest first, with their down files, leaving the
	 * schema as it was before the first one (a baseline stays: what was there before
	 * Cairn is not undone).
	 * @return what the rollback did
	 */
	public MigrateResult rollbackAll() {
		return rollback(Instant.now(), "of everything", (applied) -> applied);
	}

	/**
	 * Undoes the newest applied migrations.
	 * @param count how many to undo
	 * @return what the rollback did
	 */
	public MigrateResult rollbackLast(int count) {
		Instant startedAt = Instant.now();
		if (count < 1) {
			throw this.runs.failed(Operation.ROLLBACK, startedAt, null,
					new MigrationException("Rollback needs a count of at least 1, not " + count + "."));
		}
		return rollback(startedAt, "of the last " + count,
				(applied) -> applied.subList(0, Math.min(count, applied.size())));
	}

	private MigrateResult rollback(Instant startedAt, String what,
			java.util.function.Function<List<ResolvedMigration>, List<ResolvedMigration>> choose) {
		return this.runs.underLock(Operation.ROLLBACK, null, startedAt, (run) -> {
			Rollback.run(run, choose, what);
			return null;
		}).result();
	}

	/**
	 * Records a baseline: the database already has the schema of every migration up to
	 * {@code version}, which are never run. Only for a database whose history table is
	 * empty or absent.
	 * @param version the version the existing schema corresponds to
	 * @return the baseline row
	 */
	public MigrationInfo baseline(String version) {
		AppliedMigration row = this.runs.underLock(Operation.BASELINE, null, Instant.now(), (run) -> {
			if (!run.rows.isEmpty()) {
				throw new MigrationException("Cannot baseline: " + this.history.displayName() + " already has "
						+ run.rows.size() + " row(s). A baseline is only for a database that has its schema but no "
						+ "history yet; this one is already managed by Cairn.");
			}
			return run.recordBaseline(version);
		}).value();
		return new MigrationInfo(row.version(), row.description(), row.type(), row.script(), MigrationState.BASELINE,
				null, null, row.installedRank(), row.installedBy(), row.installedOn(), row.executionMs(), false);
	}

	/**
	 * Repairs what stops a run: a failed non-transactional migration is resumed after its
	 * last statement that ran (with the file unchanged, or edited in the statements that
	 * did not run yet); an applied file that was edited has its new checksum accepted,
	 * running none of the edit. Every repair adds a history row and a log line.
	 * @return what was repaired
	 */
	public List<RepairAction> repair() {
		return repair(List.of());
	}

	/**
	 * Repairs what stops a run, recording the failed migrations of the given versions as
	 * applied without running anything more of them: you completed them by hand.
	 * @param markApplied versions of failed migrations to record as applied
	 * @return what was repaired
	 */
	public List<RepairAction> repair(List<String> markApplied) {
		Set<MigrationVersion> versions = new HashSet<>();
		for (String version : markApplied) {
			versions.add(MigrationVersion.parse(version));
		}
		return this.runs.underLock(Operation.REPAIR, null, Instant.now(), (run) -> Repair.run(run, versions)).value();
	}

	/**
	 * Merges the files with the history table without changing anything, not even
	 * creating the table.
	 * @return the status: every migration with its state, the current version, what is
	 * pending and what is wrong
	 */
	public MigrationStatus status() {
		List<ResolvedMigration> resolved = this.source.resolve();
		try (Connection connection = this.dataSource.getConnection()) {
			return MigrationPlan
				.of(resolved, FlywayHistory.historyOrAdoption(this.history, connection, this.settings, resolved),
						this.settings, (ranks) -> this.history.appliedTexts(connection, ranks))
				.status();
		}
		catch (SQLException ex) {
			throw this.runs.databaseFailure(ex);
		}
	}

	/**
	 * Returns every migration with its state, as {@link #status()} has them.
	 * @return versioned migrations in version order, then repeatable ones by name
	 */
	public List<MigrationInfo> info() {
		return status().migrations();
	}

	/**
	 * Shows what {@link #migrate()} would run, without running anything: every pending
	 * migration with its SQL and whether it runs in a transaction.
	 * @return the migrations a run would apply, in order
	 * @throws MigrationException when the run would refuse to start, or a pending file
	 * cannot run
	 */
	public List<PlannedMigration> plan() {
		MigrationSource.Resolved resolved = this.source.resolveAll();
		try (Connection connection = this.dataSource.getConnection()) {
			MigrationPlan plan = MigrationPlan.of(resolved.migrations(),
					FlywayHistory.historyOrAdoption(this.history, connection, this.settings, resolved.migrations()),
					this.settings);
			return Apply.plan(plan, resolved.callbacks(),
					FlywayHistory.PlaceholderSource.lazy(connection, this.settings, this.history.name()));
		}
		catch (SQLException ex) {
			throw this.runs.databaseFailure(ex);
		}
	}

	/**
	 * Checks that the history agrees with the files, without applying anything.
	 * @return the status, which may still have pending migrations
	 * @throws MigrationException naming every modified, missing, out-of-order or failed
	 * migration
	 */
	public MigrationStatus validate() {
		Instant startedAt = Instant.now();
		MigrationStatus status = null;
		try {
			status = status();
			status.refuseProblems();
		}
		catch (MigrationException ex) {
			throw this.runs.failed(Operation.VALIDATE, startedAt, status, ex);
		}
		this.listener.runFinished(
				new MigrateResult(Operation.VALIDATE, startedAt, Instant.now(), Duration.ZERO, List.of(), status));
		return status;
	}

	/**
	 * Returns a digest of everything that decides the schema {@link #migrate()} builds on
	 * an empty database: each migration's name, version, type and checksum (a Java
	 * migration's class name and declared checksum), each callback file's text, and the
	 * settings that change what runs (table, schema, target, baseline, placeholders). Two
	 * migrators with one fingerprint build the same schema, so a database migrated by one
	 * can stand in for the other's; the test support keys its template databases by it.
	 * @return the hex SHA-256 digest
	 * @throws MigrationException if the migrations cannot be resolved
	 */
	public String fingerprint() {
		return Fingerprint.of(this.source.resolveAll(), this.settings);
	}

	/**
	 * Returns the settings this migrator runs with.
	 * @return the settings
	 */
	public MigratorSettings settings() {
		return this.settings;
	}

	/**
	 * Returns the migrations written in Java that this migrator runs with the files.
	 * @return the Java migrations, in the order given
	 */
	public List<JavaMigration> javaMigrations() {
		return this.source.javaMigrations();
	}

	/**
	 * Returns the history table's name as messages show it.
	 * @return the name, schema-qualified when a schema is set
	 */
	public String historyTable() {
		return this.history.displayName();
	}

	private @Nullable MigrationStatus statusOrNull() {
		try {
			return status();
		}
		catch (RuntimeException ex) {
			// The run's own failure is what matters; a listener then keeps the status it
			// had.
			return null;
		}
	}

}
