package dev.cairn.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.cairn.sample.SampleJar.Result;
import dev.cairn.test.PostgresClient;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar cairn-sample-app.jar --cairn.command=...} against a fresh database per
 * test: what each command prints, and its exit code.
 */
class CommandsIT {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final SampleJar jar = new SampleJar(this.database);

	@Test
	void invoicingTeamRoutineStatusUpStatusDownStatusDownAllUp() {
		Result status = this.jar.command("status");
		assertThat(status.exitCode()).as(status.toString()).isZero();
		assertThat(status.out()).contains("Schema version: <none>", "Applied: 0, pending: 6, failed: 0, modified: 0")
			.containsPattern("1 +initial postgres +SQL +PENDING +yes")
			.containsPattern("6 +findings severity index +SQL_NO_TX +PENDING +yes");

		Result migrate = this.jar.command("migrate");
		assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
		assertThat(migrate.out()).contains("Applied 6 migrations", "schema now at version 6.",
				"001_initial_postgres.sql", "006_findings_severity_index.sql");
		assertThat(migrate.out()).doesNotContain("Tomcat", "Started VegaApplication");

		assertThat(this.jar.command("status").out()).contains("Schema version: 6", "Applied: 6, pending: 0")
			.containsPattern(
					"6 +findings severity index +SQL_NO_TX +APPLIED +\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z +\\d+ +yes");

		Result down = this.jar.command("rollback", "--cairn.count=1");
		assertThat(down.exitCode()).as(down.toString()).isZero();
		assertThat(down.out()).contains("Rolled back 1 migration", "schema now at version 5.",
				"006_findings_severity_index.down.sql");

		assertThat(this.jar.command("status").out()).contains("Schema version: 5", "Applied: 5, pending: 1")
			.containsPattern("6 +findings severity index +SQL_NO_TX +PENDING");

		Result downAll = this.jar.command("rollback", "--cairn.count=all");
		assertThat(downAll.exitCode()).as(downAll.toString()).isZero();
		assertThat(downAll.out()).contains("Rolled back 5 migrations", "schema now at version <none>.",
				"001_initial_postgres.down.sql");
		assertThat(this.jar.command("status").out()).contains("Schema version: <none>", "Applied: 0, pending: 6");

		Result again = this.jar.command("migrate");
		assertThat(again.exitCode()).as(again.toString()).isZero();
		assertThat(again.out()).contains("Applied 6 migrations", "schema now at version 6.");
	}

	@Test
	void rollbackWithoutTargetOrCountIsRefusedWithTheWayToAskForIt() {
		Result rollback = this.jar.command("rollback");
		assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(2);
		assertThat(rollback.err()).contains("--cairn.count=all", "--cairn.target=<version>", "--cairn.count=1");
		assertThat(rollback.out()).isEmpty();
	}

	@Test
	void unknownCommandExitsWithUsageCode() {
		Result unknown = this.jar.command("stauts");
		assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
		assertThat(unknown.err()).contains("Unknown cairn.command 'stauts'", "status, migrate, validate, plan");
	}

	@Test
	void planPrintsTheSqlAndRunsNothing() throws SQLException {
		Result plan = this.jar.command("plan");
		assertThat(plan.exitCode()).as(plan.toString()).isZero();
		assertThat(plan.out()).contains("6 migrations would be applied", "nothing was run",
				"-- 001_initial_postgres.sql (version 1): runs in one transaction", "CREATE TABLE projects (",
				"-- 006_findings_severity_index.sql (version 6): runs outside a transaction",
				"CREATE INDEX CONCURRENTLY IF NOT EXISTS findings_severity_idx");
		assertThat(tableExists("projects")).isFalse();
		assertThat(tableExists("cairn_history")).isFalse();
		assertThat(this.jar.command("status").out()).contains("Applied: 0, pending: 6");
	}

	@Test
	void validateFailsWhileAnythingIsPendingAndPassesOnceMigrated() {
		Result pending = this.jar.command("validate");
		assertThat(pending.exitCode()).as(pending.toString()).isEqualTo(1);
		assertThat(pending.err()).contains("Validation failed: 6 migrations need attention")
			.containsPattern("1 +001_initial_postgres.sql +PENDING")
			.containsPattern("6 +006_findings_severity_index.sql +PENDING");
		this.jar.command("migrate", "--cairn.target=4");
		Result partly = this.jar.command("validate");
		assertThat(partly.exitCode()).as(partly.toString()).isEqualTo(1);
		assertThat(partly.err()).contains("2 migrations need attention", "005_operational_state_columns.sql")
			.doesNotContain("004_findings_columns.sql");
		this.jar.command("migrate");
		Result valid = this.jar.command("validate");
		assertThat(valid.exitCode()).as(valid.toString()).isZero();
		assertThat(valid.out()).contains("Valid: schema at version 6, 6 applied");
	}

	@Test
	@Tag(PostgresClient.TAG)
	void baselineAdoptsADatabaseBuiltByHandThenMigrateAppliesOnlyTheRest() throws Exception {
		Path migrations = Path.of(System.getProperty("cairn.sample.migrations"));
		PostgresClient.run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-f",
				migrations.resolve("001_initial_postgres.sql").toString(), "-f",
				migrations.resolve("002_scan_lifecycle_columns.sql").toString(), "-f",
				migrations.resolve("003_runner_jobs_idempotency.sql").toString(), this.database.libpqUri());

		Result baseline = this.jar.command("baseline", "--cairn.target=3");
		assertThat(baseline.exitCode()).as(baseline.toString()).isZero();
		assertThat(baseline.out()).contains("Recorded a baseline at version 3");
		assertThat(this.jar.command("status").out()).contains("Schema version: 3")
			.containsPattern("1 +initial postgres +SQL +BELOW_BASELINE")
			.containsPattern("3 +runner jobs idempotency +SQL +BASELINE ")
			.containsPattern("4 +findings columns +SQL +PENDING");

		Result migrate = this.jar.command("migrate");
		assertThat(migrate.exitCode()).as(migrate.toString()).isZero();
		assertThat(migrate.out())
			.contains("Applied 3 migrations", "schema now at version 6.", "004_findings_columns.sql",
					"005_operational_state_columns.sql", "006_findings_severity_index.sql")
			.doesNotContain("001_initial_postgres.sql", "003_runner_jobs_idempotency.sql");

		Result twice = this.jar.command("baseline", "--cairn.target=3");
		assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(1);
		assertThat(twice.err()).contains("Cannot baseline", "already managed by Cairn");
	}

	@Test
	void failingMigrationExitsNonZeroWithTheMessageOnStandardError(@TempDir Path extra) throws IOException {
		Files.writeString(extra.resolve("007_broken.sql"), """
				ALTER TABLE scans ADD COLUMN priority integer;
				ALTER TABL scans ADD COLUMN owner text;
				""");
		// Off, because cairn.lint=warn logs the findings of the sample's shipped
		// migrations 001-005 on standard
		// output (where the command's logging goes), and this is about where the failure
		// is printed.
		Result migrate = this.jar.command("migrate", "--cairn.locations=classpath:db/migrations,file:" + extra,
				"--cairn.lint=off");
		assertThat(migrate.exitCode()).as(migrate.toString()).isEqualTo(1);
		assertThat(migrate.err()).contains("007_broken.sql", "line 2", "syntax error", "42601");
		assertThat(migrate.out()).isEmpty();
		assertThat(this.jar.command("status", "--cairn.locations=classpath:db/migrations,file:" + extra).out())
			.contains("Schema version: 6")
			.containsPattern("7 +broken +SQL +PENDING");
	}

	private boolean tableExists(String name) throws SQLException {
		try (Connection connection = this.database.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT to_regclass('" + name + "') IS NOT NULL")) {
			result.next();
			return result.getBoolean(1);
		}
	}

}
