package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.flywaydb.core.api.resource.LoadableResource;
import org.flywaydb.core.internal.resolver.ChecksumCalculator;
import org.flywaydb.core.internal.resource.StringResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Flyway's file names, {@code .sql.conf} files and checksums, read from the scenario
 * folders without a database.
 */
class FlywayNamesTests {

	@Test
	void readsFlywayNamesBesideCairnNames() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/flyway-names");
		assertThat(resolved).extracting(ResolvedMigration::script)
			.containsExactly("V1__a.sql", "V1_2__b.sql", "V1.9__d.sql", "1.10_c.sql", "R__e.sql");
		assertThat(resolved).extracting((m) -> (m.version() != null) ? m.version().toString() : null)
			.containsExactly("1", "1.2", "1.9", "1.10", null);
		assertThat(resolved.get(1).description()).isEqualTo("b");
		assertThat(resolved.get(0).down()).extracting(ResolvedMigration::script).isEqualTo("U1__a.sql");
		assertThat(resolved.get(0).flyway()).isEqualTo(FlywayFile.DEFAULT);
		assertThat(resolved.get(3).flyway()).isNull();
		assertThat(resolved.get(4).flyway()).as("an R__ file beside Flyway's V files").isEqualTo(FlywayFile.DEFAULT);
	}

	@Test
	void refusesTheSameVersionInBothNamingStyles() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/flyway-names-duplicate"))
			.withMessageMatching("Two files have the same version 2: (002_two.sql|V2__two.sql) \\(in "
					+ "classpath:scenarios/flyway-names-duplicate\\) and (002_two.sql|V2__two.sql) \\(in "
					+ "classpath:scenarios/flyway-names-duplicate\\)\\. Versions compare as numbers, so 001 and 1 are "
					+ "the same; give one of them the next free version\\.")
			.withMessageContaining("002_two.sql")
			.withMessageContaining("V2__two.sql");
	}

	@Test
	void refusesBaselineMigrationSayingWhatToDo() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/flyway-names-baseline"))
			.withMessage("Migration file B5__baseline.sql in classpath:scenarios/flyway-names-baseline is a Flyway "
					+ "baseline migration, which Cairn does not run. On a database that already has its schema "
					+ "(Flyway applied it, or you set cairn.baseline-version=5), remove the file; to build new "
					+ "databases from it, rename it to V5__baseline.sql and remove the versioned files at or below "
					+ "version 5 that it replaces.");
	}

	@Test
	void runsFlywayFilesOutsideATransactionAsFlywayDoes() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/flyway-project",
				"classpath:scenarios/flyway-project-next");
		assertThat(resolved).extracting(ResolvedMigration::script, ResolvedMigration::type)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("V1__create_accounts.sql", MigrationType.SQL),
					org.assertj.core.groups.Tuple.tuple("V1_1__account_email.sql", MigrationType.SQL),
					org.assertj.core.groups.Tuple.tuple("V2__accounts_name_index.sql", MigrationType.SQL_NO_TX),
					org.assertj.core.groups.Tuple.tuple("V3__happy_mood.sql", MigrationType.SQL_NO_TX),
					org.assertj.core.groups.Tuple.tuple("V4__account_owner.sql", MigrationType.SQL),
					org.assertj.core.groups.Tuple.tuple("V5__moods_comment.sql", MigrationType.SQL),
					org.assertj.core.groups.Tuple.tuple("V6__account_email_index.sql", MigrationType.SQL_NO_TX),
					org.assertj.core.groups.Tuple.tuple("V7__calm_mood.sql", MigrationType.SQL_NO_TX),
					org.assertj.core.groups.Tuple.tuple("R__account_names.sql", MigrationType.REPEATABLE));
		ResolvedMigration index = resolved.get(2);
		assertThat(SqlScript.parse(index.script(), index.text(), index.flyway().executeInTransaction()).transactional())
			.isFalse();
	}

	@Test
	void refusesScriptConfigurationItCannotHonour() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> FlywayFile.read("V1__x.sql",
					"executeInTransaction=true\nmixed=true\n".getBytes(StandardCharsets.UTF_8), "SELECT 1;"))
			.withMessage("Script configuration V1__x.sql.conf, line 2, sets 'mixed', which Cairn does not know. "
					+ "Cairn honours executeInTransaction, placeholderReplacement and encoding=UTF-8; remove the line.");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> FlywayFile.read("V1__x.sql", "executeInTransaction=no".getBytes(StandardCharsets.UTF_8),
					"SELECT 1;"))
			.withMessage("Script configuration V1__x.sql.conf, line 1, sets executeInTransaction=no. Use "
					+ "executeInTransaction=true or executeInTransaction=false.");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "SELECT 1;", "SELECT 1;\n", "SELECT 1;\r\n", "a\r\nb\rc\nd", "\uFEFFSELECT 1;\r\n",
			"trailing   \n\n\n  spaces\t\n", "café — ünïcode 😀\r\n", "\n\n", "\r\r\n\n\r" })
	void computesFlywaysChecksum(String text) {
		LoadableResource resource = new StringResource(text);
		assertThat(FlywayFile.checksum(text)).isEqualTo(ChecksumCalculator.calculate(resource));
	}

	private List<ResolvedMigration> resolve(String... locations) {
		return new MigrationSource(List.of(locations), List.of(), getClass().getClassLoader()).resolve();
	}

}
