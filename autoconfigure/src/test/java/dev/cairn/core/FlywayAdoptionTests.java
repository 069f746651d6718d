package dev.cairn.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.StringResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.PostgresClient;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A database migrated by the real Flyway, then handed to Cairn with the same files: Cairn
 * adopts Flyway's history in place, applies only what is new, and runs Flyway files as
 * Flyway runs them.
 */
@ExtendWith(OutputCaptureExtension.class)
class FlywayAdoptionTests {

	private static final String PROJECT = "classpath:scenarios/flyway-project";

	private static final String NEXT = "classpath:scenarios/flyway-project-next";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	@Tag(PostgresClient.TAG)
	void firstRunAdoptsEveryFlywayRowAndAppliesNothing(CapturedOutput output) {
		flyway(PROJECT).migrate();
		String schema = PostgresClient.schema(this.database);
		String data = PostgresClient.dump(this.database, "--data-only");

		MigrateResult result = migrator(PROJECT).migrate();

		assertThat(result.applied()).isEmpty();
		assertThat(result.currentVersion()).isEqualTo("4");
		assertThat(result.migrations()).extracting(MigrationInfo::script, MigrationInfo::state)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("V1__create_accounts.sql", MigrationState.APPLIED),
					org.assertj.core.groups.Tuple.tuple("V1_1__account_email.sql", MigrationState.APPLIED),
					org.assertj.core.groups.Tuple.tuple("V2__accounts_name_index.sql", MigrationState.APPLIED),
					org.assertj.core.groups.Tuple.tuple("V3__happy_mood.sql", MigrationState.APPLIED),
					org.assertj.core.groups.Tuple.tuple("V4__account_owner.sql", MigrationState.APPLIED),
					org.assertj.core.groups.Tuple.tuple("R__account_names.sql", MigrationState.APPLIED));
		assertThat(PostgresClient.schema(this.database)).isEqualTo(schema);
		assertThat(PostgresClient.dump(this.database, "--data-only")).isEqualTo(data);
		List<Map<String, Object>> flywayRows = jdbc().queryForList("SELECT version, description, script, installed_by, "
				+ "installed_on, execution_time FROM flyway_schema_history ORDER BY installed_rank");
		List<Map<String, Object>> cairnRows = jdbc().queryForList("SELECT installed_rank, version, description, type, "
				+ "script, checksum, installed_by, installed_on::timestamp AS installed_on, execution_ms FROM "
				+ "cairn_history ORDER BY installed_rank");
		assertThat(cairnRows).hasSize(6);
		for (int i = 0; i < 6; i++) {
			Map<String, Object> flyway = flywayRows.get(i);
			Map<String, Object> cairn = cairnRows.get(i);
			assertThat(cairn.get("installed_rank")).isEqualTo(i + 1);
			assertThat(cairn.get("type")).isEqualTo("ADOPTED");
			assertThat(cairn.get("version")).isEqualTo(flyway.get("version"));
			assertThat(cairn.get("description")).isEqualTo(flyway.get("description"));
			assertThat(cairn.get("script")).isEqualTo(flyway.get("script"));
			assertThat(cairn.get("installed_by")).isEqualTo(flyway.get("installed_by"));
			assertThat(cairn.get("installed_on")).isEqualTo(flyway.get("installed_on"));
			assertThat(cairn.get("execution_ms")).isEqualTo(flyway.get("execution_time"));
			assertThat((String) cairn.get("checksum")).matches("sha256:[0-9a-f]{64}");
		}
		assertThat(output).containsOnlyOnce("Adopted 6 migrations from flyway_schema_history (last version 4, applied "
				+ ((java.sql.Timestamp) flywayRows.get(5).get("installed_on")).toInstant() + ")");

		assertThat(migrator(PROJECT).migrate().applied()).isEmpty();
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isEqualTo(6);
	}

	@Test
	void statusAndPlanShowWhatTheFirstRunWouldAdopt() {
		flyway(PROJECT).migrate();
		Migrator migrator = migrator(PROJECT, NEXT);
		assertThat(migrator.status().migrations()).extracting(MigrationInfo::state)
			.containsExactly(MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.APPLIED,
					MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.PENDING, MigrationState.PENDING,
					MigrationState.PENDING, MigrationState.APPLIED);
		assertThat(migrator.plan()).extracting(PlannedMigration::script, PlannedMigration::transactional)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("V5__moods_comment.sql", true),
					org.assertj.core.groups.Tuple.tuple("V6__account_email_index.sql", false),
					org.assertj.core.groups.Tuple.tuple("V7__calm_mood.sql", false));
		assertThat(jdbc().queryForObject("SELECT to_regclass('cairn_history') IS NULL", Boolean.class)).isTrue();
	}

	@Test
	void appliesNewFlywayFilesAsFlywayRunsThem() {
		flyway(PROJECT).migrate();
		MigrateResult result = migrator(PROJECT, NEXT).migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script, MigrateResult.Applied::type)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("V5__moods_comment.sql", MigrationType.SQL),
					org.assertj.core.groups.Tuple.tuple("V6__account_email_index.sql", MigrationType.SQL_NO_TX),
					org.assertj.core.groups.Tuple.tuple("V7__calm_mood.sql", MigrationType.SQL_NO_TX));
		assertThat(jdbc().queryForObject("SELECT obj_description('moods'::regclass)", String.class))
			.isEqualTo("ledger " + this.database.username() + " " + this.database.name()
					+ " public cairn_history V5__moods_comment.sql");
		assertThat(jdbc().queryForObject(
				"SELECT indisvalid FROM pg_index WHERE indexrelid = " + "'accounts_email_idx'::regclass",
				Boolean.class))
			.isTrue();
		assertThat(jdbc().queryForList("SELECT m::text FROM moods", String.class)).containsExactlyInAnyOrder("happy",
				"calm");
	}

	@Test
	void flywayAppliesTheSameNewFilesTheSameWay() {
		flyway(PROJECT, NEXT).migrate();
		assertThat(jdbc().queryForObject("SELECT obj_description('moods'::regclass)", String.class))
			.isEqualTo("ledger " + this.database.username() + " " + this.database.name()
					+ " public flyway_schema_history V5__moods_comment.sql");
		assertThat(jdbc().queryForList("SELECT m::text FROM moods", String.class)).containsExactlyInAnyOrder("happy",
				"calm");
	}

	@Test
	void refusesAFileEditedAfterFlywayAppliedItNamingBothChecksums() {
		flyway(PROJECT).migrate();
		Integer applied = jdbc().queryForObject("SELECT checksum FROM flyway_schema_history WHERE version = '2'",
				Integer.class);
		String edited = "classpath:scenarios/flyway-project-edited";
		assertThat(flyway(edited).validateWithResult().invalidMigrations)
			.as("Flyway itself finds only V2 edited: V1_1 lost its BOM and CRLF line endings, which do not count")
			.extracting((invalid) -> invalid.version)
			.containsExactly("2");
		int now = ChecksumCalculator
			.calculate(new StringResource(text("flyway-project-edited/V2__accounts_name_index.sql")));
		assertThat(applied).isEqualTo(-1319199967);
		assertThat(now).isEqualTo(-342742772);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator(edited).migrate())
			.withMessage("Migration V2__accounts_name_index.sql (version 2) was changed after Flyway applied it: "
					+ "flyway_schema_history has Flyway checksum " + applied + ", the file now has Flyway checksum "
					+ now + ". Cairn adopted nothing and ran nothing. Restore the file as Flyway applied it (for "
					+ "example with git checkout) and put the change in a new migration, then start again.");
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isZero();
	}

	@Test
	void refusesAFailedFlywayRow() {
		flyway(PROJECT).migrate();
		jdbc().update("UPDATE flyway_schema_history SET success = false WHERE version = '4'");
		String on = jdbc()
			.queryForObject("SELECT installed_on FROM flyway_schema_history WHERE version = '4'",
					java.sql.Timestamp.class)
			.toInstant()
			.toString();
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator(PROJECT).migrate())
			.withMessage("Row 5 of flyway_schema_history records V4__account_owner.sql (version 4) as failed on " + on
					+ ". Cairn adopts only a history without failures, so it adopted nothing and ran nothing. Finish "
					+ "or undo what that migration did, then remove the failed row (flyway repair does both the "
					+ "removal and nothing else), and start again.");
	}

	@Test
	void adoptsFlywaysBaselineAndSkipsDeletedRows() {
		flyway(PROJECT).migrate();
		jdbc().update("DELETE FROM flyway_schema_history WHERE version IN ('1', '1.1')");
		jdbc().update("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
				+ "installed_by, execution_time, success) VALUES (0, '1.1', '<< Flyway Baseline >>', 'BASELINE', "
				+ "'<< Flyway Baseline >>', 'postgres', 0, true), (10, '3', 'happy mood', 'DELETE', "
				+ "'V3__happy_mood.sql', 'postgres', 0, true)");
		MigrationStatus status = migrator(PROJECT).status();
		assertThat(status.migrations()).extracting(MigrationInfo::script, MigrationInfo::state)
			.containsExactly(
					org.assertj.core.groups.Tuple.tuple("V1__create_accounts.sql", MigrationState.BELOW_BASELINE),
					org.assertj.core.groups.Tuple.tuple("V1_1__account_email.sql", MigrationState.BASELINE),
					org.assertj.core.groups.Tuple.tuple("V2__accounts_name_index.sql", MigrationState.APPLIED),
					org.assertj.core.groups.Tuple.tuple("V3__happy_mood.sql", MigrationState.OUT_OF_ORDER),
					org.assertj.core.groups.Tuple.tuple("V4__account_owner.sql", MigrationState.APPLIED),
					org.assertj.core.groups.Tuple.tuple("R__account_names.sql", MigrationState.APPLIED));
	}

	@Test
	void refusesAnUnknownPlaceholderNamingFileLineAndProperty() {
		assertThatExceptionOfType(org.flywaydb.core.api.FlywayException.class)
			.isThrownBy(() -> flyway("classpath:scenarios/flyway-placeholder-unknown").migrate())
			.withMessageContaining("No value provided for placeholder: ${tenant}");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator("classpath:scenarios/flyway-placeholder-unknown").migrate())
			.withMessage("Migration V1__tenant.sql, line 2, column 8: placeholder ${tenant} has no "
					+ "value. Set cairn.placeholders.tenant (Cairn also reads spring.flyway.placeholders.tenant), or "
					+ "add placeholderReplacement=false to V1__tenant.sql.conf to keep the text as it is.");
		assertThat(jdbc().queryForObject("SELECT to_regclass('t') IS NULL", Boolean.class)).isTrue();
	}

	@Test
	@Tag(PostgresClient.TAG)
	void goesBackToFlywayWithTheRowsCairnAppliedAndARepair() {
		flyway(PROJECT).migrate();
		migrator(PROJECT, NEXT).migrate();
		String schema = PostgresClient.schema(this.database);
		// The statement docs/coming-from-flyway.md gives for the way back.
		jdbc().update("""
				INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,
				        installed_by, installed_on, execution_time, success)
				SELECT (SELECT coalesce(max(installed_rank), 0) FROM flyway_schema_history)
				        + row_number() OVER (ORDER BY installed_rank),
				    version, description, CASE type WHEN 'JAVA' THEN 'JDBC' ELSE 'SQL' END, script, NULL,
				    installed_by, installed_on, execution_ms, true
				FROM cairn_history
				WHERE type IN ('SQL', 'SQL_NO_TX', 'JAVA', 'REPEATABLE') AND success
				ORDER BY installed_rank
				""");
		Flyway flyway = flyway(PROJECT, NEXT);
		flyway.repair();
		assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
		assertThat(flyway.migrate().migrationsExecuted).isZero();
		assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("7");
		assertThat(PostgresClient.schema(this.database)).isEqualTo(schema);
	}

	private Flyway flyway(String... locations) {
		return Flyway.configure()
			.dataSource(this.database.url(), this.database.username(), this.database.password())
			.locations(locations)
			.placeholders(Map.of("owner", "ledger"))
			.configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
			.load();
	}

	private Migrator migrator(String... locations) {
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations(locations).placeholders(Map.of("owner", "ledger")).build());
	}

	private static String text(String file) {
		try {
			return new String(new ClassPathResource("scenarios/" + file).getContentAsByteArray(),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
