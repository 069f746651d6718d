package dev.cairn.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Lint at the start of a run ({@link MigratorSettings#lint()}): only pending migrations,
 * before any is applied.
 */
@ExtendWith(OutputCaptureExtension.class)
class LintAtStartTests {

	private static final String FINDING = "002_users_name_index.sql:2: create-index-not-concurrent (error): CREATE "
			+ "INDEX without CONCURRENTLY on existing table users blocks every write to it until the index is built.";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	void warnLogsEachFindingOnOneLineAndApplies(CapturedOutput output) {
		MigrateResult result = migrator(LintMode.WARN, null).migrate();
		assertThat(result.applied()).hasSize(2);
		assertThat(output).contains("Lint " + FINDING);
	}

	@Test
	void failRefusesToApplyAnythingAndNamesTheFindings() {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(migrator(LintMode.FAIL, null)::migrate)
			.withMessage("Nothing was applied: lint found 1 problem in the pending migrations (cairn.lint=fail):\n- "
					+ FINDING + "\nRewrite the statements as docs/lint.md describes, silence one with "
					+ "\"-- cairn:lint-ignore <rule> <reason>\" on the line above it, or set cairn.lint=warn.")
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("002_users_name_index.sql"));
		assertThat(new JdbcTemplate(this.database.dataSource()).queryForObject("SELECT count(*) FROM cairn_history",
				Integer.class))
			.isZero();
	}

	@Test
	void offDoesNotLint(CapturedOutput output) {
		migrator(LintMode.OFF, null).migrate();
		assertThat(output).doesNotContain("create-index-not-concurrent");
	}

	@Test
	void lintsOnlyPendingMigrations(CapturedOutput output) {
		migrator(LintMode.WARN, "2").migrate();
		assertThat(output).doesNotContain("Lint ");
		// With everything applied, a run takes the fast path and reads no file: fail
		// finds nothing to refuse.
		assertThat(migrator(LintMode.FAIL, null).migrate().applied()).isEmpty();
	}

	private Migrator migrator(LintMode lint, String baseline) {
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder()
					.locations("classpath:scenarios/lint-at-start")
					.lint(lint)
					.baselineVersion(baseline)
					.build());
	}

}
