package dev.cairn.core;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * SQL callbacks with Flyway's names run at their points of every migrate run, each in its
 * own transaction, and a failing one fails the run at its line like a migration.
 */
class CallbackTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	void runAroundTheRunAndEachMigrationAndNeverEnterTheHistory() {
		MigrateResult result = migrator("callbacks").migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script)
			.containsExactly("001_users.sql", "002_email.sql");
		assertThat(result.callbacks()).containsExactly("beforeMigrate.sql", "beforeEachMigrate.sql",
				"afterEachMigrate.sql", "beforeEachMigrate.sql", "afterEachMigrate.sql",
				"afterMigrate__grant_readers.sql");
		assertThat(log()).containsExactly("beforeMigrate", "beforeEachMigrate", "afterEachMigrate", "beforeEachMigrate",
				"afterEachMigrate", "afterMigrate");
		assertThat(jdbc().queryForList("SELECT script FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("001_users.sql", "002_email.sql");
		assertThat(jdbc().queryForObject("SELECT has_table_privilege('public', 'users', 'SELECT')", Boolean.class))
			.isTrue();
	}

	@Test
	void beforeAndAfterMigrateRunAlsoWhenNothingIsPending() {
		migrator("callbacks").migrate();
		MigrateResult again = migrator("callbacks").migrate();
		assertThat(again.applied()).isEmpty();
		assertThat(again.callbacks()).containsExactly("beforeMigrate.sql", "afterMigrate__grant_readers.sql");
		assertThat(log()).endsWith("afterMigrate", "beforeMigrate", "afterMigrate");
	}

	@Test
	void aFailingCallbackFailsTheRunAtItsLineAndTheErrorCallbackRuns() {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator("callbacks-failing").migrate())
			.withMessage(
					"""
							Callback afterMigrate.sql failed at line 2, column 1: unrecognized privilege type "selec" (SQLSTATE 42601)
							   2 | GRANT SELEC ON users TO PUBLIC;
							     | ^
							Nothing of this callback was applied; the 1 migration(s) applied before it in this run stay \
							applied. Fix the callback and restart.""")
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("afterMigrate.sql"));
		assertThat(log()).containsExactly("afterMigrateError");
		assertThat(jdbc().queryForList("SELECT script FROM cairn_history", String.class))
			.containsExactly("001_users.sql");
	}

	@Test
	void planListsTheCallbacksWhereTheyWouldRun() {
		List<PlannedMigration> plan = migrator("callbacks").plan();
		assertThat(plan).extracting(PlannedMigration::script)
			.containsExactly("beforeMigrate.sql", "beforeEachMigrate.sql", "001_users.sql", "afterEachMigrate.sql",
					"beforeEachMigrate.sql", "002_email.sql", "afterEachMigrate.sql",
					"afterMigrate__grant_readers.sql");
		assertThat(plan.get(0).type()).isEqualTo(MigrationType.CALLBACK);
		assertThat(plan.get(0).description()).isEqualTo("before migrate");
	}

	private List<String> log() {
		return jdbc().queryForList("SELECT event FROM callback_log ORDER BY id", String.class);
	}

	private Migrator migrator(String scenario) {
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations("classpath:scenarios/" + scenario).build());
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
