package dev.cairn.core;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A run that lost its lock records nothing more, and says so; its sessions carry names a
 * DBA recognises, and the working connection goes back with the name it came with.
 */
class LockedRunTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	void aRunThatLostItsLockRecordsNothingMore() throws Exception {
		HistoryTable history = new HistoryTable("cairn_history", null);
		AdvisoryLock lock = AdvisoryLock.acquire(this.database.dataSource(), history.displayName(),
				Duration.ofSeconds(5), PoolerMode.DETECT, MigrationListener.NONE);
		Connection connection = this.database.dataSource().getConnection();
		List<AppliedMigration> rows = history.readOrCreate(connection, true);
		try (LockedRun run = new LockedRun(Instant.now(), List.of(), rows, connection, null, 0, lock, history,
				MigratorSettings.defaults(), MigrationListener.NONE)) {
			int pid = jdbc().queryForObject("SELECT pid FROM pg_stat_activity WHERE application_name LIKE "
					+ "'cairn lock %' AND datname = current_database()", Integer.class);
			jdbc().queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, pid);
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (jdbc().queryForObject("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", Integer.class, pid) > 0
					&& System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> run.recordBaseline("1"))
				.withMessage("Lost the migration lock: its session ended (was it terminated?). Nothing more was "
						+ "recorded, so that two instances never migrate at once. Restart to continue.");
		}
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isZero();
	}

	@Test
	void theSessionsAreNamedWhileTheRunHoldsThemAndGiveTheirNamesBack() throws Exception {
		Migrator migrator = new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations("classpath:scenarios/slow-index").build(),
				new MigrationListener() {

					@Override
					public void migrationApplied(MigrateResult.Applied applied) {
						if (applied.version() != null && applied.version().equals("1")) {
							seen().addAll(jdbc().queryForList("SELECT application_name FROM pg_stat_activity WHERE "
									+ "application_name LIKE 'cairn %' AND datname = current_database() ORDER BY 1",
									String.class));
						}
					}

				}, List.of());
		migrator.migrate();
		String process = ApplicationName.host() + "/" + ProcessHandle.current().pid();
		assertThat(this.seen).containsExactly("cairn lock " + process, "cairn migrate " + process);
		assertThat(jdbc().queryForList("SELECT application_name FROM pg_stat_activity WHERE application_name LIKE "
				+ "'cairn %' AND datname = current_database()", String.class))
			.isEmpty();
	}

	private final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

	private List<String> seen() {
		return this.seen;
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
