package dev.cairn.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The timeouts as the server applies them: {@code cairn.statement-timeout} and a file's
 * {@code -- cairn:statement-timeout} cancel a slow statement with the exact message and
 * leave nothing of the migration; a file's {@code -- cairn:lock-timeout} replaces the
 * run's {@code lock_timeout} for that file only.
 */
@ExtendWith(OutputCaptureExtension.class)
// A broken lock_timeout leaves the test blocked in a socket read, which an interrupt
// cannot
// end: the test runs on a thread of its own, so the timeout fails it.
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = ThreadMode.SEPARATE_THREAD)
class TimeoutTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	@Test
	void theRunsStatementTimeoutCancelsASlowStatementAndLeavesNothingOfItsMigration() throws Exception {
		Path migrations = migrations("001_slow.sql", "CREATE TABLE slow (id int);\nSELECT pg_sleep(5);\n");
		long start = System.nanoTime();
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator(migrations, MigratorSettings.builder().statementTimeout(Duration.ofMillis(300)))
				.migrate())
			.satisfies((ex) -> assertThat(ex.getSqlState()).isEqualTo("57014"))
			.withMessage("Migration 001_slow.sql failed at line 2, column 1: canceling statement due to statement "
					+ "timeout (SQLSTATE 57014)\n   2 | SELECT pg_sleep(5);\n     | ^\nNothing from this migration was "
					+ "applied. It was cancelled: it ran longer than statement_timeout, or a session cancelled it. If "
					+ "it needs longer, raise cairn.statement-timeout (or the file's -- "
					+ "cairn:statement-timeout=<duration>), then restart.");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
		assertThat(jdbc().queryForObject("SELECT to_regclass('slow') IS NULL", Boolean.class)).isTrue();
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isZero();
	}

	@Test
	void aFilesStatementTimeoutOverridesTheRunsForThatFileOnly() throws Exception {
		Path migrations = migrations("001_quick.sql", "-- cairn:statement-timeout=200ms\nSELECT pg_sleep(5);\n");
		Files.writeString(migrations.resolve("000_slow_but_allowed.sql"), "SELECT pg_sleep(0.5);\n");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator(migrations, MigratorSettings.builder().statementTimeout(Duration.ofSeconds(30)))
				.migrate())
			.withMessageStartingWith("Migration 001_quick.sql failed at line 2, column 1: canceling statement due to "
					+ "statement timeout (SQLSTATE 57014)");
		assertThat(jdbc().queryForList("SELECT script FROM cairn_history", String.class))
			.containsExactly("000_slow_but_allowed.sql");
	}

	@Test
	void aFilesLockTimeoutIsTheOneItsAttemptsWaitFor(CapturedOutput output) throws Exception {
		Path migrations = migrations("001_accounts.sql", "CREATE TABLE accounts (id int);\n");
		migrator(migrations, MigratorSettings.builder()).migrate();
		Files.writeString(migrations.resolve("002_note.sql"),
				"-- cairn:lock-timeout=150ms\nALTER TABLE accounts ADD COLUMN note text;\n");
		try (Connection report = this.database.connect(); Statement statement = report.createStatement()) {
			report.setAutoCommit(false);
			statement.execute("SELECT count(*) FROM accounts");
			assertThatExceptionOfType(MigrationException.class)
				.isThrownBy(() -> migrator(migrations,
						MigratorSettings.builder().lockTimeout(Duration.ofSeconds(20)).lockRetries(1))
					.migrate())
				.withMessageContaining("It waited for a lock longer than lock_timeout 2 time(s).");
			report.rollback();
		}
		assertThat(output).contains(
				"Migration 002_note.sql gave up waiting for a lock after lock_timeout 150 ms " + "(attempt 1 of 2,");
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history WHERE version = '2'", Integer.class))
			.isZero();
	}

	private Path migrations(String name, String sql) throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve(name), sql);
		return migrations;
	}

	private Migrator migrator(Path migrations, MigratorSettings.Builder settings) {
		return new Migrator(this.database.dataSource(),
				settings.locations(Instances.location(migrations)).lint(LintMode.OFF).build(), MigrationListener.NONE,
				List.of());
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
