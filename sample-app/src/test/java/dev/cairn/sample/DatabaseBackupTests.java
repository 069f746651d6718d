package dev.cairn.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.cairn.test.PostgresClient;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker's backup before migrating: a {@code pg_dump} of the database as it was,
 * taken only when something is about to be applied, and a warning instead when
 * {@code pg_dump} is missing.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseBackupTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path backups;

	@Test
	@Tag(PostgresClient.TAG)
	void dumpsTheDatabaseAsItWasBeforeARunThatAppliesAndNotBeforeOneThatDoesNot(CapturedOutput output)
			throws Exception {
		run("--cairn.target=3").close();
		try (ConfigurableApplicationContext context = run("--vega.backup.folder=" + this.backups)) {
			assertThat(context.getBean(JdbcClient.class)
				.sql("SELECT count(*) FROM cairn_history")
				.query(Integer.class)
				.single()).isEqualTo(6);
		}
		List<Path> dumps = dumps();
		assertThat(dumps).singleElement()
			.satisfies((dump) -> assertThat(dump.getFileName().toString())
				.matches(this.database.name() + "-\\d{8}T\\d{6}Z-v3\\.dump"));
		assertThat(output).containsPattern("Backed up " + this.database.name() + " \\(at v3, 3 migration\\(s\\) about "
				+ "to run\\) to " + dumps.get(0) + " in \\d+ ms");
		String contents = PostgresClient.run("pg_restore", "--list", dumps.get(0).toString());
		assertThat(contents).contains("TABLE DATA public cairn_history", "TABLE public scans");
		String restored = PostgresClient.run("pg_restore", "--file=-", "--table=cairn_history", "--data-only",
				dumps.get(0).toString());
		assertThat(restored).contains("003_runner_jobs_idempotency.sql").doesNotContain("004_findings_columns.sql");
		run("--vega.backup.folder=" + this.backups).close();
		assertThat(dumps()).as("nothing was pending").hasSize(1);
	}

	@Test
	void warnsAndMigratesAnywayWhenPgDumpIsMissing(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = run("--vega.backup.folder=" + this.backups,
				"--vega.backup.pg-dump=/nonexistent/pg_dump")) {
			assertThat(context.getBean(JdbcClient.class)
				.sql("SELECT count(*) FROM cairn_history")
				.query(Integer.class)
				.single()).isEqualTo(6);
		}
		assertThat(output).contains("Skipping the backup before migrating: /nonexistent/pg_dump could not be started (",
				"). Install PostgreSQL's client programs (apt-get install postgresql-client) or point "
						+ "vega.backup.pg-dump at pg_dump.");
		assertThat(dumps()).isEmpty();
	}

	private ConfigurableApplicationContext run(String... arguments) {
		List<String> all = new java.util.ArrayList<>(
				List.of("--server.port=0", "--DATABASE_URL=", "--spring.datasource.url=" + this.database.url(),
						"--spring.datasource.username=" + this.database.username()));
		if (this.database.password() != null) {
			all.add("--spring.datasource.password=" + this.database.password());
		}
		all.addAll(List.of(arguments));
		return new SpringApplicationBuilder(VegaApplication.class).run(all.toArray(String[]::new));
	}

	private List<Path> dumps() throws IOException {
		try (Stream<Path> files = Files.list(this.backups)) {
			return files.toList();
		}
	}

}
