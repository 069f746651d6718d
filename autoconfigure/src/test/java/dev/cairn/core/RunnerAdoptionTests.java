package dev.cairn.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Databases migrated by the seeds' own runners (their history tables written as those
 * runners write them), adopted with {@code cairn.adopt-from}.
 */
@ExtendWith(OutputCaptureExtension.class)
class RunnerAdoptionTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	void adoptsATableOfFileNamesWithTheirTimes(CapturedOutput output) {
		run("runner-files/001_create_scans.sql", "runner-files/002_scan_status.sql");
		jdbc().execute("CREATE TABLE schema_migrations (filename text PRIMARY KEY, applied_at timestamptz NOT NULL "
				+ "DEFAULT now())");
		jdbc().update("INSERT INTO schema_migrations VALUES ('001_create_scans.sql', '2026-01-02 03:04:05+00'), "
				+ "('002_scan_status.sql', '2026-02-03 04:05:06+00')");

		MigrateResult result = migrator("runner-files", "schema_migrations").migrate();

		assertThat(result.applied()).extracting(MigrateResult.Applied::script).containsExactly("003_scan_owner.sql");
		List<Map<String, Object>> rows = jdbc()
			.queryForList("SELECT script, type, installed_on FROM cairn_history " + "ORDER BY installed_rank");
		assertThat(rows).extracting((row) -> row.get("script"))
			.containsExactly("001_create_scans.sql", "002_scan_status.sql", "003_scan_owner.sql");
		assertThat(rows).extracting((row) -> row.get("type")).containsExactly("ADOPTED", "ADOPTED", "SQL");
		assertThat(((Timestamp) rows.get(1).get("installed_on")).toInstant()).hasToString("2026-02-03T04:05:06Z");
		assertThat(jdbc().queryForObject("SELECT count(*) FROM schema_migrations", Integer.class)).isEqualTo(2);
		assertThat(output).contains(
				"Adopted 2 migrations from schema_migrations (last version 2, applied " + "2026-02-03T04:05:06Z)");
	}

	@Test
	void adoptsATableOfNamesWithoutExtension() {
		run("runner-files/001_create_scans.sql");
		jdbc().execute("CREATE TABLE _migrations (name text PRIMARY KEY)");
		jdbc().update("INSERT INTO _migrations VALUES ('001_create_scans')");
		MigrateResult result = migrator("runner-files", "_migrations").migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script)
			.containsExactly("002_scan_status.sql", "003_scan_owner.sql");
	}

	@Test
	void refusesARowWithoutAFileNamingIt() {
		jdbc().execute("CREATE TABLE schema_migrations (filename text PRIMARY KEY, applied_at timestamptz)");
		jdbc().update("INSERT INTO schema_migrations VALUES ('000_bootstrap.sql', now())");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator("runner-files", "schema_migrations").migrate())
			.withMessage("Table schema_migrations (cairn.adopt-from) records '000_bootstrap.sql' in column filename "
					+ "as applied, but no migration location holds a file of that name. Cairn adopted nothing and ran "
					+ "nothing. Restore the file, or point cairn.locations at the folder that holds it.");
		assertThat(jdbc().queryForObject("SELECT to_regclass('scans') IS NULL", Boolean.class)).isTrue();
	}

	@Test
	void adoptsGolangMigratesLastVersion() {
		run("runner-golang/1_create_scans.up.sql", "runner-golang/2_scan_status.up.sql");
		jdbc().execute("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)");
		jdbc().update("INSERT INTO schema_migrations VALUES (2, false)");
		MigrateResult result = migrator("runner-golang", "schema_migrations").migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script).containsExactly("3_scan_owner.up.sql");
		assertThat(jdbc().queryForList("SELECT type FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("ADOPTED", "ADOPTED", "SQL");
	}

	@Test
	void refusesADirtyGolangMigrateVersion() {
		jdbc().execute("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)");
		jdbc().update("INSERT INTO schema_migrations VALUES (2, true)");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator("runner-golang", "schema_migrations").migrate())
			.withMessage("Table schema_migrations (cairn.adopt-from) is marked dirty at version 2: golang-migrate "
					+ "stopped part way through that migration and does not know what of it ran. Cairn adopted nothing "
					+ "and ran nothing. Check what of version 2 is in the database and finish or undo it by hand, then "
					+ "set the row to the last version that completed with dirty = false, and start again.");
	}

	@Test
	void adoptsDbmatesVersions() {
		run("runner-files/001_create_scans.sql", "runner-files/002_scan_status.sql");
		jdbc().execute("CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)");
		jdbc().update("INSERT INTO schema_migrations VALUES ('002'), ('001')");
		MigrateResult result = migrator("runner-files", "schema_migrations").migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script).containsExactly("003_scan_owner.sql");
		assertThat(jdbc().queryForList("SELECT version FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("1", "2", "3");
	}

	@Test
	void refusesATableItCannotRead() {
		jdbc().execute("CREATE TABLE audit_log (id int, happened timestamptz)");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator("runner-files", "audit_log").migrate())
			.withMessage("Table audit_log (cairn.adopt-from) is neither Flyway's history table nor one Cairn can read: "
					+ "it needs a column of file names (filename, file_name, file, script, migration, name) or of "
					+ "versions (version). Name the runner's history table, or remove cairn.adopt-from.");
	}

	private void run(String... files) {
		for (String file : files) {
			try {
				jdbc().execute(new ClassPathResource("scenarios/" + file).getContentAsString(StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private Migrator migrator(String scenario, String adoptFrom) {
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations("classpath:scenarios/" + scenario).adoptFrom(adoptFrom).build());
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
