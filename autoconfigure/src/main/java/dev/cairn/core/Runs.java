package dev.cairn.core;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import dev.cairn.core.MigrateResult.Operation;

/**
 * How every verb of a {@link Migrator} runs and reports: under the migration lock,
 * telling the listener how it ended (the result once the lock is released, or the failure
 * with the status as it stands after it), and turning a database failure into the one
 * exception users catch.
 */
final class Runs {

	private final DataSource dataSource;

	private final HistoryTable history;

	private final MigratorSettings settings;

	private final MigrationListener listener;

	private final Supplier<List<ResolvedMigration>> resolve;

	private final Supplier<@Nullable MigrationStatus> statusAfterFailure;

	Runs(DataSource dataSource, HistoryTable history, MigratorSettings settings, MigrationListener listener,
			Supplier<List<ResolvedMigration>> resolve, Supplier<@Nullable MigrationStatus> statusAfterFailure) {
		this.dataSource = dataSource;
		this.history = history;
		this.settings = settings;
		this.listener = listener;
		this.resolve = resolve;
		this.statusAfterFailure = statusAfterFailure;
	}

	/**
	 * Runs a verb under the migration lock and tells the listener how it ended: the
	 * result after the lock is released, or the failure with the status as it stands
	 * after it.
	 */
	<T> Outcome<T> underLock(Operation operation, @Nullable List<ResolvedMigration> resolved, Instant startedAt,
			LockedBody<T> body) {
		LockedRun run = null;
		try {
			run = LockedRun.open(this.dataSource, this.history, this.settings, this.listener,
					(resolved != null) ? resolved : this.resolve.get(), startedAt);
			Outcome<T> outcome;
			try (LockedRun locked = run) {
				T value = body.run(locked);
				outcome = new Outcome<>(value, locked.result(operation));
			}
			this.listener.runFinished(outcome.result());
			return outcome;
		}
		catch (SQLException | MigrationException ex) {
			throw failed(operation, startedAt, (run != null) ? run.lock.waited() : Duration.ZERO, null, ex);
		}
	}

	MigrationException failed(Operation operation, Instant startedAt, @Nullable MigrationStatus status, Exception ex) {
		return failed(operation, startedAt, Duration.ZERO, status, ex);
	}

	MigrationException failed(Operation operation, Instant startedAt, Duration lockWait,
			@Nullable MigrationStatus status, Exception ex) {
		MigrationException failure = (ex instanceof MigrationException known) ? known : databaseFailure(ex);
		this.listener.runFailed(new FailedRun(operation, startedAt, Instant.now(), lockWait, failure,
				(status != null) ? status : this.statusAfterFailure.get()));
		return failure;
	}

	MigrationException databaseFailure(Exception ex) {
		String state = (ex instanceof SQLException sql) ? sql.getSQLState() : null;
		// pgjdbc's position points into SQL of Cairn's own, which no message shows.
		String reason = String.valueOf(ex.getMessage()).replaceAll("\\n\\s*Position: \\d+", "");
		String failed = "Migration run against the database failed: " + reason + " (SQLSTATE " + state + ").";
		if ("28P01".equals(state)) {
			return MigrationException.causedBy(failed + " Nothing was applied. The server refused the password: "
					+ "check cairn.password when cairn.user is set, otherwise the application's "
					+ "(spring.datasource.password, or the password in DATABASE_URL).", ex);
		}
		if ("57P01".equals(state) || "57P02".equals(state)) {
			return MigrationException.causedBy(failed + " The database ended the session (pg_terminate_backend or a "
					+ "restart); the history table shows what was recorded before it did. Restart to try again.", ex);
		}
		if ("42501".equals(state)) {
			return MigrationException.causedBy(failed + " The migration user lacks a privilege it needs for "
					+ this.history.displayName() + ": run migrations as a role that may create tables in its schema "
					+ "(cairn.user and cairn.password; an application's own user often may only read and write "
					+ "rows), or grant the privilege, then restart.", ex);
		}
		return MigrationException.causedBy(failed + " Check that the database is reachable and that the migration "
				+ "user may create and write " + this.history.displayName() + ".", ex);
	}

	@FunctionalInterface
	interface LockedBody<T> {

		@Nullable T run(LockedRun run) throws SQLException;

	}

	record Outcome<T>(@Nullable T value, MigrateResult result) {

	}

}
