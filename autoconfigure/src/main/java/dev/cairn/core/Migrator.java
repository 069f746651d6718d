package dev.cairn.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Applies pending migrations to one PostgreSQL database, exactly once each, in order, and undoes, baselines and
 * repairs them on request.
 * <p>
 * A run reads top to bottom: resolve the files (bad names, duplicates and bad encoding fail here, before any
 * connection), take the migration lock, read the history table in one query (creating it on first use), merge both
 * into a {@link MigrationPlan} and refuse to go on if they disagree, parse every file the run will execute (so a
 * file that cannot run fails before anything runs), then apply each migration with its history row, and release
 * the lock, also after a failure.
 */
public final class Migrator {

	private static final Log logger = LogFactory.getLog(Migrator.class);

	private final DataSource dataSource;

	private final MigratorSettings settings;

	private final MigrationListener listener;

	private final MigrationSource source;

	private final HistoryTable history;

	/**
	 * Creates a migrator for SQL files only, reporting to no listener.
	 * @param dataSource where the migrations run; it must be able to hand out two connections at once
	 * @param settings the settings
	 */
	public Migrator(DataSource dataSource, MigratorSettings settings) {
		this(dataSource, settings, MigrationListener.NONE, List.of());
	}

	/**
	 * Creates a migrator.
	 * @param dataSource where the migrations run; it must be able to hand out two connections at once
	 * @param settings the settings
	 * @param listener hears about lock waits, applied migrations and finished runs
	 * @param javaMigrations migrations written in Java, ordered with the files by version
	 */
	public Migrator(DataSource dataSource, MigratorSettings settings, MigrationListener listener,
			List<JavaMigration> javaMigrations) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.listener = listener;
		this.source = new MigrationSource(settings.locations(), List.copyOf(javaMigrations),
				Thread.currentThread().getContextClassLoader());
		this.history = new HistoryTable(settings.table(), settings.schema());
	}

	/**
	 * Applies every pending migration (up to the target version, when one is set).
	 * @return what the run did
	 * @throws MigrationException if a migration fails or the history disagrees with the files
	 */
	public MigrateResult migrate() {
		LockedRun run = null;
		try {
			List<ResolvedMigration> resolved = this.source.resolve();
			MigrateResult upToDate = upToDate(resolved);
			if (upToDate != null) {
				this.listener.runFinished(upToDate);
				return upToDate;
			}
			run = start(resolved);
			try (LockedRun locked = run) {
				if (locked.rows.isEmpty() && this.settings.baselineVersion() != null) {
					locked.record(recordBaseline(locked, this.settings.baselineVersion()), false);
				}
				MigrationPlan plan = locked.plan();
				refuseProblems(plan);
				List<SqlScript> scripts = parse(plan.pending());
				Lint.beforeApplying(this.settings.lint(), scripts);
				for (int i = 0; i < scripts.size(); i++) {
					ResolvedMigration migration = plan.pending().get(i);
					locked.record(locked.executor.apply(migration, scripts.get(i), locked.done.size()), true);
				}
				MigrateResult result = locked.result();
				this.listener.runFinished(result);
				return result;
			}
		}
		catch (SQLException | MigrationException ex) {
			MigrationException failure = (ex instanceof MigrationException known) ? known : databaseFailure(ex);
			this.listener.runFailed(failure, (run != null) ? run.lock.waited() : Duration.ZERO);
			throw failure;
		}
	}

	/**
	 * Looks, without the lock and on one connection, whether there is nothing to do: then a run needs neither the
	 * lock nor its second connection, which is what most application starts find. Anything pending, or anything
	 * wrong, takes the locked path, which reads the history again under the lock.
	 */
	private @Nullable MigrateResult upToDate(List<ResolvedMigration> resolved) throws SQLException {
		Instant startedAt = Instant.now();
		List<AppliedMigration> rows;
		try (Connection connection = this.dataSource.getConnection()) {
			rows = this.history.readIfExists(connection);
		}
		if (rows.isEmpty()) {
			return null;
		}
		MigrationPlan plan = MigrationPlan.of(resolved, rows, this.settings);
		if (!plan.pending().isEmpty() || !plan.problems().isEmpty()) {
			return null;
		}
		return new MigrateResult(startedAt, Instant.now(), Duration.ZERO, List.of(), plan.currentVersion(),
				plan.migrations());
	}

	/**
	 * Undoes every applied migration above a version, newest first, with their down files.
	 * @param target the version to return to; {@code 0} undoes everything
	 * @return what the rollback did; its migrations are the ones undone
	 * @throws MigrationException naming every migration to undo that has no down file, before anything runs
	 */
	public MigrateResult rollback(String target) {
		MigrationVersion to = MigrationVersion.parse(target);
		return undo((applied) -> applied.stream().filter((m) -> m.version().compareTo(to) > 0).toList(),
				"to version " + to);
	}

	/**
	 * Undoes the newest applied migrations.
	 * @param count how many to undo
	 * @return what the rollback did
	 */
	public MigrateResult rollbackLast(int count) {
		if (count < 1) {
			throw new MigrationException("Rollback needs a count of at least 1, not " + count + ".");
		}
		return undo((applied) -> applied.subList(0, Math.min(count, applied.size())), "of the last " + count);
	}

	private MigrateResult undo(java.util.function.Function<List<ResolvedMigration>, List<ResolvedMigration>> choose,
			String what) {
		try (LockedRun run = start()) {
			MigrationPlan plan = run.plan();
			refuseProblems(plan);
			List<ResolvedMigration> applied = new ArrayList<>();
			for (MigrationInfo info : plan.migrations()) {
				if (info.state() == MigrationState.APPLIED && info.version() != null) {
					applied.add(run.resolved(info.version()));
				}
			}
			applied.sort(Comparator.comparing(ResolvedMigration::version).reversed());
			List<ResolvedMigration> undo = choose.apply(applied);
			List<String> lacking = undo.stream().filter((m) -> !m.hasDown()).map(Migrator::describe).toList();
			if (!lacking.isEmpty()) {
				throw new MigrationException("Nothing was rolled back: the rollback " + what + " would undo "
						+ String.join(", ", lacking) + ", which " + ((lacking.size() == 1) ? "has" : "have")
						+ " no down file. Add a <version>_<description>.down.sql file next to "
						+ ((lacking.size() == 1) ? "it" : "each") + ", or roll back to a version above it.");
			}
			List<SqlScript> downs = new ArrayList<>();
			for (ResolvedMigration migration : undo) {
				ResolvedMigration down = migration.down();
				downs.add((down != null) ? SqlScript.parse(down.script(), down.text()) : null);
			}
			for (int i = 0; i < undo.size(); i++) {
				run.record(run.executor.undo(undo.get(i), downs.get(i), run.done.size()), true);
				logger.info("Rolled back " + describe(undo.get(i)));
			}
			return run.result();
		}
		catch (SQLException ex) {
			throw databaseFailure(ex);
		}
	}

	/**
	 * Records a baseline: the database already has the schema of every migration up to {@code version}, which are
	 * never run. Only for a database whose history table is empty or absent.
	 * @param version the version the existing schema corresponds to
	 * @return the baseline row
	 */
	public MigrationInfo baseline(String version) {
		try (LockedRun run = start()) {
			if (!run.rows.isEmpty()) {
				throw new MigrationException("Cannot baseline: " + this.history.displayName() + " already has "
						+ run.rows.size() + " row(s). A baseline is only for a database that has its schema but no "
						+ "history yet; this one is already managed by Cairn.");
			}
			AppliedMigration row = recordBaseline(run, version);
			return new MigrationInfo(row.version(), row.description(), row.type(), row.script(),
					MigrationState.BASELINE, null, null, row.installedRank(), row.installedBy(), row.installedOn(),
					row.executionMs(), false);
		}
		catch (SQLException ex) {
			throw databaseFailure(ex);
		}
	}

	private AppliedMigration recordBaseline(LockedRun run, String version) throws SQLException {
		String canonical = MigrationVersion.parse(version).toString();
		AppliedMigration row = this.history.insert(run.connection, new HistoryTable.Row(canonical, "baseline",
				MigrationType.BASELINE, "baseline " + canonical, null, 0, true, null), run.lock);
		logger.info("Recorded baseline at version " + canonical + ": migrations up to it will never run");
		return Objects.requireNonNull(row, "lost the migration lock");
	}

	/**
	 * Repairs what stops a run: a failed non-transactional migration is resumed at its failed statement when its
	 * file is unchanged, or recorded as applied when the file was edited (you completed it by hand); an applied file
	 * that was edited on purpose has its new checksum accepted. Every repair adds a history row and a log line.
	 * @return what was repaired
	 */
	public List<RepairAction> repair() {
		try (LockedRun run = start()) {
			List<RepairAction> actions = new ArrayList<>();
			for (MigrationInfo info : run.plan().migrations()) {
				RepairAction action = switch (info.state()) {
					case FAILED -> repairFailed(run, info);
					case MODIFIED -> accept(run, info, "accepted the edited file: checksum " + info.appliedChecksum()
							+ " is now " + info.checksum());
					default -> null;
				};
				if (action != null) {
					actions.add(action);
					logger.info("Repaired " + action.script() + ": " + action.action());
				}
			}
			return actions;
		}
		catch (SQLException ex) {
			throw databaseFailure(ex);
		}
	}

	private @Nullable RepairAction repairFailed(LockedRun run, MigrationInfo info) throws SQLException {
		ResolvedMigration migration = (info.version() != null) ? run.resolvedOrNull(info.version()) : null;
		if (migration == null) {
			run.record(this.history.insert(run.connection, new HistoryTable.Row(info.version(), info.description(),
					MigrationType.ROLLBACK, info.script(), info.appliedChecksum(), 0, true, null), run.lock), false);
			return new RepairAction(info.version(), info.script(), "its file is gone: recorded as not applied");
		}
		if (!Objects.equals(migration.checksum(), info.appliedChecksum())) {
			return accept(run, info, "recorded as applied with the edited file (completed by hand)");
		}
		AppliedMigration failed = run.lastRow(info.version());
		SqlScript script = SqlScript.parse(migration.script(), migration.text());
		int from = (failed.statementsDone() != null) ? failed.statementsDone() : 0;
		run.record(run.executor.resume(migration, script, from), true);
		return new RepairAction(info.version(), info.script(),
				"resumed at statement " + (from + 1) + " of " + script.statements().size() + " and completed it");
	}

	private RepairAction accept(LockedRun run, MigrationInfo info, String action) throws SQLException {
		run.record(this.history.insert(run.connection, new HistoryTable.Row(info.version(), info.description(),
				MigrationType.REPAIR, info.script(), info.checksum(), 0, true, null), run.lock), false);
		return new RepairAction(info.version(), info.script(), action);
	}

	/**
	 * Merges the files with the history table without changing anything, not even creating the table.
	 * @return every migration with its state: versioned ones in version order, then repeatable ones by name
	 */
	public List<MigrationInfo> info() {
		return merge().migrations();
	}

	/**
	 * Shows what {@link #migrate()} would run, without running anything: every pending migration with its SQL and
	 * whether it runs in a transaction.
	 * @return the migrations a run would apply, in order
	 * @throws MigrationException when the run would refuse to start, or a pending file cannot run
	 */
	public List<PlannedMigration> plan() {
		MigrationPlan plan = merge();
		refuseProblems(plan);
		List<SqlScript> scripts = parse(plan.pending());
		List<PlannedMigration> planned = new ArrayList<>();
		for (int i = 0; i < scripts.size(); i++) {
			ResolvedMigration migration = plan.pending().get(i);
			SqlScript script = scripts.get(i);
			StringBuilder sql = new StringBuilder();
			if (script == null) {
				sql.append("-- Java migration ").append(migration.location()).append(", run in one transaction");
			}
			else {
				for (SqlStatement statement : script.statements()) {
					sql.append(statement.sql()).append(";\n");
				}
			}
			planned.add(new PlannedMigration((migration.version() != null) ? migration.version().toString() : null,
					migration.description(), migration.type(), migration.script(),
					script == null || script.transactional(), sql.toString()));
		}
		return planned;
	}

	/**
	 * Checks that the history agrees with the files, without applying anything.
	 * @throws MigrationException naming every modified, missing, out-of-order or failed migration
	 */
	public void validate() {
		refuseProblems(merge());
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

	private MigrationPlan merge() {
		List<ResolvedMigration> resolved = this.source.resolve();
		try (Connection connection = this.dataSource.getConnection()) {
			return MigrationPlan.of(resolved, this.history.readIfExists(connection), this.settings);
		}
		catch (SQLException ex) {
			throw databaseFailure(ex);
		}
	}

	private LockedRun start() throws SQLException {
		return start(this.source.resolve());
	}

	private LockedRun start(List<ResolvedMigration> resolved) throws SQLException {
		Instant startedAt = Instant.now();
		AdvisoryLock lock = AdvisoryLock.acquire(this.dataSource, this.history.displayName(),
				this.settings.lockWaitTimeout(), this.listener);
		Connection connection = null;
		try {
			connection = this.dataSource.getConnection();
			connection.setAutoCommit(true);
			List<AppliedMigration> rows = this.history.readOrCreate(connection, this.settings.createSchema());
			return new LockedRun(startedAt, resolved, rows, connection, lock,
					new MigrationExecutor(connection, this.history, lock, this.settings), this.settings,
					this.listener);
		}
		catch (SQLException | RuntimeException ex) {
			if (connection != null) {
				closeQuietly(connection, ex);
			}
			lock.close();
			throw ex;
		}
	}

	private static List<SqlScript> parse(List<ResolvedMigration> migrations) {
		List<SqlScript> scripts = new ArrayList<>();
		for (ResolvedMigration migration : migrations) {
			scripts.add((migration.java() != null) ? null : SqlScript.parse(migration.script(), migration.text()));
		}
		return scripts;
	}

	private static void refuseProblems(MigrationPlan plan) {
		if (plan.problems().isEmpty()) {
			return;
		}
		String intro = (plan.problems().size() == 1) ? "" : plan.problems().size() + " problems stop the run:\n- ";
		throw new MigrationException("Nothing was applied. " + intro + String.join("\n- ", plan.problems()));
	}

	private MigrationException databaseFailure(Exception ex) {
		String state = (ex instanceof SQLException sql) ? sql.getSQLState() : null;
		return new MigrationException("Migration run against the database failed: " + ex.getMessage() + " (SQLSTATE "
				+ state + "). Check that the database is reachable and that the migration user may create and write "
				+ this.history.displayName() + ".", null, state, 0, 0, ex);
	}

	private static String describe(ResolvedMigration migration) {
		return migration.script() + ((migration.version() != null) ? " (version " + migration.version() + ")" : "");
	}

	private static void closeQuietly(Connection connection, Exception primary) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			primary.addSuppressed(ex);
		}
	}

}
