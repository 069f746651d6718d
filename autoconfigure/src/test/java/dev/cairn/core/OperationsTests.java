package dev.cairn.core;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.PostgresClient;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rollback, repeatable and Java migrations, baseline, repair, target and plan on real
 * PostgreSQL.
 */
class OperationsTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	@Tag(PostgresClient.TAG)
	void rollsEverythingBackAndMigratesAgainToTheSameSchema() throws Exception {
		migrator("ops-roundtrip").migrate();
		String migrated = PostgresClient.schema(this.database);
		MigrateResult rollback = migrator("ops-roundtrip").rollback("0");
		assertThat(rollback.applied()).extracting(MigrateResult.Applied::script)
			.containsExactly("003_scans_status_index.down.sql", "002_scans.down.sql", "001_projects.down.sql");
		assertThat(rollback.applied()).extracting(MigrateResult.Applied::type).containsOnly(MigrationType.ROLLBACK);
		assertThat(rollback.currentVersion()).isNull();
		assertThat(tableExists("projects")).isFalse();
		assertThat(rollback.migrations()).extracting(MigrationInfo::state).containsOnly(MigrationState.PENDING);
		assertThat(jdbc().queryForList("SELECT type FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("SQL", "SQL", "SQL_NO_TX", "ROLLBACK", "ROLLBACK", "ROLLBACK");
		MigrateResult again = migrator("ops-roundtrip").migrate();
		assertThat(again.applied()).hasSize(3);
		assertThat(PostgresClient.schema(this.database)).isEqualTo(migrated);
	}

	@Test
	void rollingBackEverythingUndoesAVersionZeroMigrationToo() throws Exception {
		String empty = PostgresClient.schema(this.database);
		migrator("rollback-version-zero").migrate();
		MigrateResult toZero = migrator("rollback-version-zero").rollback("0");
		assertThat(toZero.applied()).extracting(MigrateResult.Applied::script)
			.containsExactly("0001_sessions.down.sql");
		assertThat(toZero.currentVersion()).isEqualTo("0");
		assertThat(tableExists("identities")).isTrue();
		MigrateResult all = migrator("rollback-version-zero").rollbackAll();
		assertThat(all.applied()).extracting(MigrateResult.Applied::script).containsExactly("0000_identities.down.sql");
		assertThat(all.currentVersion()).isNull();
		jdbc().execute("DROP TABLE cairn_history");
		assertThat(PostgresClient.schema(this.database)).isEqualTo(empty);
	}

	@Test
	void rollsBackTheLastMigrationsOnly() {
		migrator("ops-roundtrip").migrate();
		MigrateResult rollback = migrator("ops-roundtrip").rollbackLast(1);
		assertThat(rollback.applied()).extracting(MigrateResult.Applied::script)
			.containsExactly("003_scans_status_index.down.sql");
		assertThat(rollback.currentVersion()).isEqualTo("2");
		assertThat(jdbc().queryForObject("SELECT to_regclass('scans_status') IS NULL", Boolean.class)).isTrue();
		assertThat(tableExists("scans")).isTrue();
	}

	@Test
	void refusesToRollBackWithoutADownFileBeforeRunningAnything() {
		migrator("ops-no-down").migrate();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator("ops-no-down").rollback("0"))
			.withMessage("Nothing was rolled back: the rollback to version 0 would undo 002_teams.sql (version 2), "
					+ "which has no down file. Add a <version>_<description>.down.sql file next to it, or roll back "
					+ "to a version above it.");
		assertThat(tableExists("teams")).isTrue();
		assertThat(tableExists("projects")).isTrue();
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isEqualTo(2);
	}

	@Test
	void reappliesARepeatableMigrationOnlyWhenItChanges() {
		MigrateResult first = migrator("ops-repeatable/v1").migrate();
		assertThat(first.applied()).extracting(MigrateResult.Applied::script)
			.containsExactly("001_create_users.sql", "R__active_users.sql", "R__user_names.sql");
		assertThat(migrator("ops-repeatable/v1").migrate().applied()).isEmpty();
		MigrateResult changed = migrator("ops-repeatable/v2").migrate();
		assertThat(changed.applied()).extracting(MigrateResult.Applied::script).containsExactly("R__user_names.sql");
		assertThat(jdbc().queryForList("SELECT column_name FROM information_schema.columns WHERE table_name = "
				+ "'user_names' ORDER BY ordinal_position", String.class))
			.containsExactly("name", "shout");
		assertThat(jdbc().queryForList(
				"SELECT script FROM cairn_history WHERE type = 'REPEATABLE' ORDER BY " + "installed_rank",
				String.class))
			.containsExactly("R__active_users.sql", "R__user_names.sql", "R__user_names.sql");
	}

	@Test
	void ordersJavaMigrationsWithTheFilesAndRollsThemBack() {
		Migrator migrator = new Migrator(this.database.dataSource(), settings("ops-java"), MigrationListener.NONE,
				List.of(new AddNickname()));
		MigrateResult result = migrator.migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script)
			.containsExactly("001_create_users.sql", "AddNickname", "003_add_email.sql");
		assertThat(result.migrations()).extracting(MigrationInfo::type)
			.containsExactly(MigrationType.SQL, MigrationType.JAVA, MigrationType.SQL);
		assertThat(jdbc().queryForObject("SELECT nickname FROM users", String.class)).isEqualTo("ada");
		migrator.rollback("1");
		assertThat(jdbc().queryForList("SELECT column_name FROM information_schema.columns WHERE table_name = "
				+ "'users' ORDER BY ordinal_position", String.class))
			.containsExactly("id", "name");
	}

	@Test
	@Tag(PostgresClient.TAG)
	void baselinesADatabaseBuiltByHandAndRunsOnlyWhatComesAfter() throws Exception {
		for (String file : List.of("001_create_users.sql", "002_add_email.sql", "003_seed_users.sql")) {
			PostgresClient.psql(this.database, "-f", scenarioFile("ops-baseline/" + file));
		}
		MigratorSettings settings = MigratorSettings.builder()
			.locations("classpath:scenarios/ops-baseline")
			.baselineVersion("3")
			.build();
		MigrateResult result = new Migrator(this.database.dataSource(), settings).migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script).containsExactly("004_add_role.sql");
		assertThat(result.migrations()).extracting(MigrationInfo::state)
			.containsExactly(MigrationState.BELOW_BASELINE, MigrationState.BELOW_BASELINE, MigrationState.BASELINE,
					MigrationState.APPLIED);
		assertThat(jdbc().queryForList("SELECT type || ' ' || version FROM cairn_history ORDER BY installed_rank",
				String.class))
			.containsExactly("BASELINE 3", "SQL 4");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator("ops-baseline").baseline("3"))
			.withMessage("Cannot baseline: cairn_history already has 2 row(s). A baseline is only for a database "
					+ "that has its schema but no history yet; this one is already managed by Cairn.");
	}

	@Test
	void resumesAFailedConcurrentIndexBuildOnceItsCauseIsRemoved() {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator("ops-repair")::migrate)
			.withMessageStartingWith("Migration 002_findings_fingerprint.sql failed at line 3, column 1: could not "
					+ "create unique index \"findings_fingerprint\" (SQLSTATE 23505)")
			.withMessageEndingWith("This migration runs outside a transaction: 1 of its 3 statements ran and stay "
					+ "applied, and the history records it as failed at statement 2. Fix the cause (edit statement 2 "
					+ "or a later one, or fix the database), then run repair: statements 2-3 of the file as it then "
					+ "stands will run.");
		assertThat(jdbc().queryForMap("SELECT success, statements_done FROM cairn_history WHERE version = '2'"))
			.containsEntry("success", false)
			.containsEntry("statements_done", 1);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator("ops-repair")::migrate)
			.withMessageContaining("failed part way on");
		jdbc().update("DELETE FROM findings WHERE id = 3");
		List<RepairAction> repaired = migrator("ops-repair").repair();
		assertThat(repaired).extracting(RepairAction::action)
			.containsExactly("resumed at statement 2 of 3 and completed it");
		assertThat(jdbc().queryForObject(
				"SELECT indisvalid FROM pg_index WHERE indexrelid = 'findings_fingerprint'::regclass", Boolean.class))
			.isTrue();
		assertThat(migrator("ops-repair").info()).extracting(MigrationInfo::state)
			.containsExactly(MigrationState.APPLIED, MigrationState.APPLIED);
		assertThat(migrator("ops-repair").migrate().applied()).isEmpty();
	}

	@Test
	void repairAcceptsAnAppliedFileEditedOnPurpose() {
		migrator("modified/before").migrate();
		List<RepairAction> repaired = migrator("modified/after").repair();
		assertThat(repaired).singleElement().satisfies((action) -> assertThat(action.action()).matches("""
				accepted the edited file's checksum sha256:\\w{64} \\(it was applied with sha256:\\w{64}\\)\\. \
				None of the edit was run: if the database lacks it, put the change in a new migration:
				--- applied
				\\+\\+\\+ 002_add_email.sql
				@@ -1,1 \\+1,1 @@
				-ALTER TABLE users ADD COLUMN email text;
				\\+ALTER TABLE users ADD COLUMN email varchar\\(200\\);"""));
		assertThat(migrator("modified/after").migrate().applied()).isEmpty();
		assertThat(jdbc().queryForList("SELECT type FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("SQL", "SQL", "REPAIR");
	}

	@Test
	void migratesUpToTheTargetVersion() {
		MigratorSettings settings = MigratorSettings.builder()
			.locations("classpath:scenarios/valid")
			.target("2")
			.build();
		MigrateResult result = new Migrator(this.database.dataSource(), settings).migrate();
		assertThat(result.currentVersion()).isEqualTo("2");
		assertThat(result.migrations()).extracting(MigrationInfo::state)
			.containsExactly(MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.PENDING);
	}

	@Test
	void plansPendingMigrationsWithTheirSqlWithoutRunningAnything() {
		List<PlannedMigration> plan = migrator("no-transaction-index").plan();
		assertThat(plan).extracting(PlannedMigration::script)
			.containsExactly("001_create_users.sql", "002_users_name_index.sql");
		assertThat(plan).extracting(PlannedMigration::transactional).containsExactly(true, false);
		assertThat(plan.get(1).sql())
			.isEqualTo("CREATE INDEX CONCURRENTLY users_name ON users (name);\nANALYZE users;\n");
		assertThat(tableExists("cairn_history")).isFalse();
		assertThat(tableExists("users")).isFalse();
	}

	private Migrator migrator(String scenario) {
		return new Migrator(this.database.dataSource(), settings(scenario));
	}

	private static MigratorSettings settings(String scenario) {
		return MigratorSettings.builder().locations("classpath:scenarios/" + scenario).build();
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

	private boolean tableExists(String name) {
		return Boolean.TRUE.equals(jdbc().queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, name));
	}

	private static String scenarioFile(String path) throws Exception {
		return java.nio.file.Path.of(OperationsTests.class.getResource("/scenarios/" + path).toURI()).toString();
	}

	/**
	 * A Java migration between the files 001 and 003, with a rollback.
	 */
	static final class AddNickname implements JavaMigration {

		@Override
		public String version() {
			return "2";
		}

		@Override
		public String description() {
			return "add nickname";
		}

		@Override
		public void migrate(JdbcTemplate jdbc) {
			jdbc.execute("ALTER TABLE users ADD COLUMN nickname text");
			jdbc.update("INSERT INTO users (name, nickname) VALUES (?, ?)", "Ada", "ada");
		}

		@Override
		public boolean hasRollback() {
			return true;
		}

		@Override
		public void rollback(JdbcTemplate jdbc) {
			jdbc.execute("DELETE FROM users WHERE nickname IS NOT NULL");
			jdbc.execute("ALTER TABLE users DROP COLUMN nickname");
		}

	}

}
