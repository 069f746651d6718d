package dev.cairn.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.core.MigrateResult.Operation;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every verb tells its listeners how it ended, a listener that throws never changes a
 * run's outcome, and a {@link MigrationSnapshot} fed only by those events knows what the
 * last run did.
 */
@ExtendWith(OutputCaptureExtension.class)
class RunEventsTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final MigrationListener recorder = new MigrationListener() {

		@Override
		public void runFinished(MigrateResult result) {
			RunEventsTests.this.events.add("finished " + result.operation() + " applied=" + result.applied().size()
					+ " current=" + result.currentVersion());
		}

		@Override
		public void runFailed(FailedRun run) {
			RunEventsTests.this.events.add("failed " + run.operation() + " status="
					+ ((run.status() != null) ? run.status().current() : null));
		}

	};

	@Test
	void everyVerbReportsHowItEnded() {
		Migrator migrator = migrator("rollback-version-zero", this.recorder);
		migrator.migrate();
		migrator.validate();
		migrator.rollbackLast(1);
		migrator.repair();
		migrator.rollbackAll();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator.rollbackLast(0));
		assertThat(this.events).containsExactly("finished MIGRATE applied=2 current=1",
				"finished VALIDATE applied=0 current=1", "finished ROLLBACK applied=1 current=0",
				"finished REPAIR applied=0 current=0", "finished ROLLBACK applied=1 current=null",
				"failed ROLLBACK status=null");
	}

	@Test
	void aRunAboutToApplyIsAnnouncedUnderTheLockBeforeItsFirstMigrationAndARunWithNothingToDoIsNot() {
		MigrationListener announcer = new MigrationListener() {

			@Override
			public void beforeApplying(MigrationStatus status) {
				Integer locks = jdbc()
					.queryForObject(
							"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
									+ "(SELECT oid FROM pg_database WHERE datname = current_database())",
							Integer.class);
				RunEventsTests.this.events.add("before current=" + status.current() + " pending="
						+ status.pending().stream().map(MigrationInfo::script).toList() + " locks=" + locks);
			}

			@Override
			public void migrationApplied(MigrateResult.Applied applied) {
				RunEventsTests.this.events.add("applied " + applied.script());
			}

		};
		Migrator migrator = migrator("rollback-version-zero", announcer);
		migrator.migrate();
		migrator.migrate();
		assertThat(this.events).containsExactly(
				"before current=null pending=[0000_identities.sql, 0001_sessions.sql] locks=1",
				"applied 0000_identities.sql", "applied 0001_sessions.sql");
	}

	@Test
	void aBaselineAndARefusedBaselineAreReported() {
		Migrator migrator = migrator("ops-baseline", this.recorder);
		migrator.baseline("2");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator.baseline("2"));
		assertThat(this.events).containsExactly("finished BASELINE applied=0 current=2", "failed BASELINE status=2");
	}

	@Test
	void aListenerThatThrowsIsLoggedAndNeverChangesTheOutcome(CapturedOutput output) {
		MigrationListener broken = new MigrationListener() {

			@Override
			public void migrationApplied(MigrateResult.Applied applied) {
				throw new IllegalStateException("metrics backend is down");
			}

			@Override
			public void runFinished(MigrateResult result) {
				throw new IllegalStateException("metrics backend is down");
			}

		};
		MigrationSnapshot snapshot = new MigrationSnapshot();
		Migrator migrator = migrator("rollback-version-zero", MigrationListeners.of(List.of(broken, snapshot)));
		MigrateResult result = migrator.migrate();
		assertThat(result.applied()).hasSize(2);
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history WHERE success", Integer.class))
			.isEqualTo(2);
		assertThat(snapshot.lastRun()).satisfies((run) -> {
			assertThat(run.operation()).isEqualTo(Operation.MIGRATE);
			assertThat(run.applied()).isEqualTo(2);
			assertThat(run.succeeded()).isTrue();
		});
		assertThat(output).contains("MigrationListener " + broken.getClass().getName() + " failed in runFinished: "
				+ "java.lang.IllegalStateException: metrics backend is down. The run goes on as if it had not been "
				+ "called.");
	}

	@Test
	void theSnapshotSeesAFailedRunWithTheStatusAfterIt() {
		MigrationSnapshot snapshot = new MigrationSnapshot();
		migrator("modified/before", MigrationListener.NONE).migrate();
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator("modified/after", snapshot).migrate());
		assertThat(snapshot.lastRun().error()).hasMessageContaining("was changed after it was applied");
		assertThat(snapshot.status().migrations()).isNotEmpty();
	}

	private Migrator migrator(String scenario, MigrationListener listener) {
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations("classpath:scenarios/" + scenario).build(), listener, List.of());
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
