package dev.cairn.autoconfigure;

import dev.cairn.core.MigrationException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MigrationFailureAnalyzer}.
 */
class MigrationFailureAnalyzerTests {

	private final MigrationFailureAnalyzer analyzer = new MigrationFailureAnalyzer();

	@Test
	void theActionOfALockTimeoutIsAboutTheBlockingSessionNotTheFile() {
		MigrationException failure = MigrationException.fromDatabase("""
				Migration 002_accounts_note.sql failed at line 1, column 1: canceling statement due to lock timeout \
				(SQLSTATE 55P03)
				It waited for a lock longer than lock_timeout 3 time(s). It was blocked by pid 4242 (idle in \
				transaction, application_name 'monthly-report', transaction open for 00:01:10, last query: \
				SELECT count(*) FROM accounts).
				Nothing from this migration was applied. Let pid 4242 finish, or end it with SELECT \
				pg_terminate_backend(4242), then restart (or raise cairn.lock-retry-budget to keep trying longer).""",
				"002_accounts_note.sql", "55P03", 1, 1, null);
		FailureAnalysis analysis = this.analyzer.analyze(failure);
		assertThat(analysis.getAction()).isEqualTo("Let pid 4242 finish, or end it with SELECT "
				+ "pg_terminate_backend(4242), then restart (or raise cairn.lock-retry-budget to keep trying longer).");
		assertThat(analysis.getDescription()).doesNotContain("Fix the file");
	}

	@Test
	void splitsTheMessageIntoDescriptionAndAction() {
		MigrationException failure = MigrationException.fromDatabase(
				"""
						Migration 004_findings_columns.sql failed at line 7, column 12: syntax error at or near "TABL" (SQLSTATE 42601)
						   7 | ALTER TABL findings ADD COLUMN confidence numeric;
						     |       ^
						Nothing from this migration was applied; migrations 001-003 are unchanged. Fix the file and restart.""",
				"004_findings_columns.sql", "42601", 7, 12, null);
		FailureAnalysis analysis = this.analyzer
			.analyze(new BeanCreationException("cairnMigrationInitializer", "x", failure));
		assertThat(analysis.getDescription()).startsWith("Migration 004_findings_columns.sql failed at line 7")
			.contains("   7 | ALTER TABL findings ADD COLUMN confidence numeric;\n     |       ^")
			.endsWith("migrations 001-003 are unchanged.");
		assertThat(analysis.getAction()).isEqualTo("Fix the file and restart.");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void namesTheScriptWhenTheMessageDoesNot() {
		MigrationException failure = MigrationException.fromDatabase("Something failed. Do this.", "005_x.sql", "55P03",
				3, 0, null);
		FailureAnalysis analysis = this.analyzer.analyze(failure);
		assertThat(analysis.getDescription()).endsWith("Script: 005_x.sql:3 (SQLSTATE 55P03)");
		assertThat(analysis.getAction()).isEqualTo("Do this.");
	}

	@Test
	void singleSentenceMessageGetsAGenericAction() {
		FailureAnalysis analysis = this.analyzer.analyze(new MigrationException("Interrupted while waiting."));
		assertThat(analysis.getDescription()).isEqualTo("Interrupted while waiting.");
		assertThat(analysis.getAction()).isNotBlank();
	}

}
