package dev.cairn.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MigrationSourceTests {

	private static final String EMPTY_CHECKSUM = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

	private static final String EXPECTED_FORM = "<version>_<description>.sql (also .up.sql and .down.sql), "
			+ "for example 001_initial_schema.sql, or R__<description>.sql for a repeatable migration";

	@Test
	void resolvesVersionedMigrationsInVersionOrderThenRepeatablesByName() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/source-valid");
		assertThat(resolved).extracting(ResolvedMigration::script)
			.containsExactly("001_initial_schema.sql", "1.1_add_email.sql", "002_add_email_index.sql",
					"10_add_discount.sql", "20240131120000_add_audit.sql", "R__active_users.sql",
					"R__user_emails_view.sql");
		assertThat(resolved).extracting((migration) -> String.valueOf(migration.version()))
			.containsExactly("1", "1.1", "2", "10", "20240131120000", "null", "null");
		assertThat(resolved).extracting(ResolvedMigration::repeatable)
			.containsExactly(false, false, false, false, false, true, true);
	}

	@Test
	void readsUnderscoresInDescriptionsAsSpaces() {
		assertThat(resolve("classpath:scenarios/source-valid")).extracting(ResolvedMigration::description)
			.containsExactly("initial schema", "add email", "add email index", "add discount", "add audit",
					"active users", "user emails view");
	}

	@Test
	void marksFilesWithNoTransactionDirectiveAtTheTop() {
		assertThat(resolve("classpath:scenarios/source-valid")).extracting(ResolvedMigration::type)
			.containsExactly(MigrationType.SQL, MigrationType.SQL, MigrationType.SQL_NO_TX, MigrationType.SQL,
					MigrationType.SQL, MigrationType.REPEATABLE, MigrationType.REPEATABLE);
	}

	@Test
	void keepsLocationAsConfiguredAndTextAsWritten() {
		ResolvedMigration first = resolve("classpath:scenarios/source-valid").get(0);
		assertThat(first.location()).isEqualTo("classpath:scenarios/source-valid");
		assertThat(first.text()).isEqualTo("""
				create table users (
				    id bigint primary key,
				    name text not null
				);
				""");
		assertThat(first.down()).isNull();
	}

	@Test
	void checksumsAreSha256OfTheText() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/source-valid");
		assertThat(resolved).allSatisfy((migration) -> {
			assertThat(migration.checksum()).matches("sha256:[0-9a-f]{64}");
			assertThat(migration.checksum()).isEqualTo(MigrationText.checksum(migration.text()));
		});
		assertThat(resolved).extracting(ResolvedMigration::checksum).doesNotHaveDuplicates();
	}

	@Test
	void resolvesTheSameFromFileAndFilesystemLocations() {
		String folder = folder("source-valid");
		List<ResolvedMigration> fromClasspath = resolve("classpath:scenarios/source-valid");
		for (String location : List.of("file:" + folder, "filesystem:" + folder, "file:" + folder + "/")) {
			List<ResolvedMigration> resolved = resolve(location);
			assertThat(resolved).extracting(ResolvedMigration::script)
				.containsExactlyElementsOf(fromClasspath.stream().map(ResolvedMigration::script).toList());
			assertThat(resolved).extracting(ResolvedMigration::checksum)
				.containsExactlyElementsOf(fromClasspath.stream().map(ResolvedMigration::checksum).toList());
			assertThat(resolved).extracting(ResolvedMigration::location).containsOnly(location);
		}
	}

	@Test
	void readsLocationWithoutPrefixOrWithTrailingSlashFromTheClasspath() {
		List<String> expected = resolve("classpath:scenarios/source-valid").stream()
			.map(ResolvedMigration::script)
			.toList();
		assertThat(resolve("scenarios/source-valid")).extracting(ResolvedMigration::script)
			.containsExactlyElementsOf(expected);
		assertThat(resolve("classpath:scenarios/source-valid/")).extracting(ResolvedMigration::script)
			.containsExactlyElementsOf(expected);
	}

	@Test
	void normalisesLocationsToSearchableForms() {
		assertThat(MigrationLocations.normalise("classpath:db/migrations")).isEqualTo("classpath*:db/migrations");
		assertThat(MigrationLocations.normalise("db/migrations")).isEqualTo("classpath*:db/migrations");
		assertThat(MigrationLocations.normalise(" classpath:db/migrations/ ")).isEqualTo("classpath*:db/migrations");
		assertThat(MigrationLocations.normalise("filesystem:/srv/migrations")).isEqualTo("file:/srv/migrations");
		assertThat(MigrationLocations.normalise("file:/srv/migrations/")).isEqualTo("file:/srv/migrations");
	}

	@Test
	void findsFilesInSubfoldersAndNamesThemWithoutTheirPath() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/source-subfolders");
		assertThat(resolved).extracting(ResolvedMigration::script)
			.containsExactly("001_create_a.sql", "002_create_b.sql", "003_create_c.sql", "R__all_ids.sql");
		assertThat(resolved).extracting(ResolvedMigration::location)
			.containsOnly("classpath:scenarios/source-subfolders");
	}

	@Test
	void mergesSeveralLocations() {
		assertThat(resolve("classpath:scenarios/source-up-down", "classpath:scenarios/source-repeatable"))
			.extracting(ResolvedMigration::script)
			.containsExactly("001_create_users.up.sql", "002_add_email.sql", "003_add_name.sql",
					"R__answer_function.sql", "R__b.sql", "R__finding_counts_view.sql");
	}

	@Test
	void ordersRepeatablesByName() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/source-repeatable");
		assertThat(resolved).extracting(ResolvedMigration::script)
			.containsExactly("R__answer_function.sql", "R__b.sql", "R__finding_counts_view.sql");
		assertThat(resolved).extracting(ResolvedMigration::description)
			.containsExactly("answer function", "b", "finding counts view");
		assertThat(resolved).allSatisfy((migration) -> {
			assertThat(migration.version()).isNull();
			assertThat(migration.repeatable()).isTrue();
			assertThat(migration.type()).isEqualTo(MigrationType.REPEATABLE);
			assertThat(migration.down()).isNull();
		});
	}

	@Test
	void attachesDownFilesToTheirMigration() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/source-up-down");
		assertThat(resolved).extracting(ResolvedMigration::script)
			.containsExactly("001_create_users.up.sql", "002_add_email.sql", "003_add_name.sql");
		ResolvedMigration createUsers = resolved.get(0);
		assertThat(createUsers.type()).isEqualTo(MigrationType.SQL);
		assertThat(createUsers.description()).isEqualTo("create users");
		assertThat(createUsers.down()).isNotNull();
		assertThat(createUsers.down().script()).isEqualTo("001_create_users.down.sql");
		assertThat(createUsers.down().type()).isEqualTo(MigrationType.ROLLBACK);
		assertThat(createUsers.down().version()).isEqualTo(MigrationVersion.parse("1"));
		assertThat(createUsers.down().text()).isEqualTo("drop table users;\n");
		assertThat(createUsers.down().checksum()).matches("sha256:[0-9a-f]{64}");
		assertThat(resolved.get(1).down()).isNotNull();
		assertThat(resolved.get(1).down().script()).isEqualTo("002_add_email.down.sql");
		assertThat(resolved.get(2).down()).isNull();
	}

	@Test
	void rejectsTwoFilesWithTheSameVersion() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-duplicate-version"))
			.withMessage(
					"Two files have the same version 1: 001_a.sql (in classpath:scenarios/source-duplicate-version)"
							+ " and 1_b.sql (in classpath:scenarios/source-duplicate-version). Versions compare as numbers, so "
							+ "001 and 1 are the same; give one of them the next free version.")
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("1_b.sql"));
	}

	@Test
	void rejectsTheSameVersionInTwoLocations() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-bom-crlf/a", "classpath:scenarios/source-bom-crlf/b"))
			.withMessage(
					"Two files have the same version 1: 001_create_t.sql (in classpath:scenarios/source-bom-crlf/a)"
							+ " and 001_create_t.sql (in classpath:scenarios/source-bom-crlf/b). Versions compare as numbers, "
							+ "so 001 and 1 are the same; give one of them the next free version.");
	}

	@Test
	void rejectsTwoRepeatablesWithTheSameName() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-duplicate-repeatable"))
			.withMessage("Two files have the same repeatable migration my view: R__my_view.sql (in "
					+ "classpath:scenarios/source-duplicate-repeatable) and R__my_view.sql (in "
					+ "classpath:scenarios/source-duplicate-repeatable/nested). Rename one of them.");
	}

	@Test
	void readsTheExtensionAndTheDirectivesInAnyLetterCase() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/source-upper-case");
		assertThat(resolved).extracting(ResolvedMigration::script)
			.containsExactly("001_users.SQL", "002_users_name.Sql");
		assertThat(resolved).extracting(ResolvedMigration::type)
			.containsExactly(MigrationType.SQL, MigrationType.SQL_NO_TX);
		assertThat(resolved.get(0).down()).isNotNull();
		assertThat(SqlScript.parse("002_users_name.Sql", resolved.get(1).text()).transactional()).isFalse();
	}

	@Test
	void rejectsFileWhoseNameIsNotAMigrationName() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-bad-name"))
			.withMessage("Migration file V1_flyway_style.sql in classpath:scenarios/source-bad-name does not have a "
					+ "migration name. Rename it to V1__flyway_style.sql (the form is " + EXPECTED_FORM
					+ "); every .sql file in a migration location must be a migration.")
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("V1_flyway_style.sql"));
	}

	@Test
	void rejectsDownVariantOfRepeatable() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-bad-repeatable"))
			.withMessage("Migration file R__my_view.down.sql in classpath:scenarios/source-bad-repeatable does not "
					+ "have a migration name (repeatable migrations are re-applied when they change and have no up or "
					+ "down variants). Rename it to " + EXPECTED_FORM
					+ "; every .sql file in a migration location must be a migration.");
	}

	@Test
	void rejectsRepeatableWithoutDescription() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-repeatable-blank-name"))
			.withMessage("Migration file R___.sql in classpath:scenarios/source-repeatable-blank-name does not have a "
					+ "migration name. Rename it to " + EXPECTED_FORM
					+ "; every .sql file in a migration location must be a migration.");
	}

	@Test
	void rejectsDownFileWithoutItsMigration() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-orphan-down"))
			.withMessage("Down file 002_drop_legacy.down.sql in classpath:scenarios/source-orphan-down has no "
					+ "migration to undo: no file has version 2. Rename it to match its migration (for example "
					+ "2_drop_legacy.sql and its .down.sql twin) or remove it.")
			.satisfies((ex) -> assertThat(ex.getScript()).isEqualTo("002_drop_legacy.down.sql"));
	}

	@Test
	void rejectsFileThatIsNotUtf8() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-not-utf8"))
			.withMessage("Migration 001_latin1.sql is not valid UTF-8: byte 0xe9 at line 2 (byte offset 16). "
					+ "Save the file as UTF-8.")
			.satisfies((ex) -> {
				assertThat(ex.getScript()).isEqualTo("001_latin1.sql");
				assertThat(ex.getLine()).isEqualTo(2);
			});
	}

	@Test
	void rejectsFileWithNulByte() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-nul-byte"))
			.withMessage("Migration 001_nul.sql contains a NUL byte at line 2; PostgreSQL cannot take NUL in SQL text. "
					+ "Remove it (the file may be binary or UTF-16).")
			.satisfies((ex) -> {
				assertThat(ex.getScript()).isEqualTo("001_nul.sql");
				assertThat(ex.getLine()).isEqualTo(2);
			});
	}

	@Test
	void acceptsEmptyAndCommentOnlyFiles() {
		List<ResolvedMigration> resolved = resolve("classpath:scenarios/source-empty-and-comments");
		assertThat(resolved).extracting(ResolvedMigration::script)
			.containsExactly("001_empty.sql", "002_comments_only.sql", "003_directive_only.sql");
		assertThat(resolved).extracting(ResolvedMigration::type)
			.containsExactly(MigrationType.SQL, MigrationType.SQL, MigrationType.SQL_NO_TX);
		assertThat(resolved.get(0).text()).isEmpty();
		assertThat(resolved.get(0).checksum()).isEqualTo(EMPTY_CHECKSUM);
	}

	@Test
	void ignoresBomLineEndingsAndTrailingWhitespaceInChecksums() {
		ResolvedMigration plain = resolve("classpath:scenarios/source-bom-crlf/a").get(0);
		ResolvedMigration windows = resolve("classpath:scenarios/source-bom-crlf/b").get(0);
		assertThat(windows.text()).doesNotStartWith("\uFEFF").startsWith("create table t (").contains("\r\n");
		assertThat(windows.text()).isNotEqualTo(plain.text());
		assertThat(windows.checksum()).isEqualTo(plain.checksum());
	}

	@Test
	void checksumReadsLoneCarriageReturnsAsLineFeeds() {
		assertThat(MigrationText.checksum("select 1;\rselect 2;\r"))
			.isEqualTo(MigrationText.checksum("select 1;\nselect 2;\n"));
		assertThat(MigrationText.checksum("select 1;\r\n\r\nselect 2;"))
			.isEqualTo(MigrationText.checksum("select 1;\n\nselect 2;"));
	}

	@Test
	void checksumSeesChangesInsideLinesAndLeadingWhitespace() {
		String checksum = MigrationText.checksum("select 1;\n");
		assertThat(MigrationText.checksum("select 2;\n")).isNotEqualTo(checksum);
		assertThat(MigrationText.checksum(" select 1;\n")).isNotEqualTo(checksum);
		assertThat(MigrationText.checksum("select  1;\n")).isNotEqualTo(checksum);
		assertThat(MigrationText.checksum("select 1;\n\n")).isNotEqualTo(checksum);
		assertThat(MigrationText.checksum("select 1; \t\n")).isEqualTo(checksum);
	}

	@Test
	void checksumOfEmptyTextIsSha256OfNothing() {
		assertThat(MigrationText.checksum("")).isEqualTo(EMPTY_CHECKSUM);
		assertThat(MigrationText.checksum("  \t")).isEqualTo(EMPTY_CHECKSUM);
	}

	@Test
	void decodeStripsBomAndReportsBadBytePosition() {
		byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 's', 'e', 'l', 'e', 'c', 't', ';' };
		assertThat(MigrationText.decode(bom, "001_x.sql")).isEqualTo("select;");
		byte[] truncated = { 'a', '\n', 'b', '\n', (byte) 0xE2, (byte) 0x82 };
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> MigrationText.decode(truncated, "001_x.sql"))
			.withMessage("Migration 001_x.sql is not valid UTF-8: byte 0xe2 at line 3 (byte offset 4). "
					+ "Save the file as UTF-8.");
		assertThat(MigrationText.decode("caf\u00e9 \u20ac \uD83D\uDE00".getBytes(StandardCharsets.UTF_8), "001_x.sql"))
			.isEqualTo("caf\u00e9 \u20ac \uD83D\uDE00");
	}

	@Test
	void findsNoTransactionDirectiveOnlyAmongTheLeadingComments() {
		assertThat(Directives.noTransaction("-- cairn:no-transaction\ncreate index;")).isTrue();
		assertThat(Directives.noTransaction("\n  -- CAIRN:No-Transaction\r\ncreate index;")).isTrue();
		assertThat(Directives.noTransaction("-- why\n-- cairn:lock-timeout=5s\n--cairn:no-transaction")).isTrue();
		assertThat(Directives.noTransaction("create index;\n-- cairn:no-transaction")).isFalse();
		assertThat(Directives.noTransaction("-- cairn:no-transactions\ncreate index;")).isFalse();
		assertThat(Directives.noTransaction("")).isFalse();
	}

	@Test
	void rejectsClasspathLocationThatDoesNotExist() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> resolve("classpath:scenarios/source-valid", "classpath:scenarios/no-such-folder"))
			.withMessage("Migration location classpath:scenarios/no-such-folder does not exist. Create it and put your "
					+ "migrations there (for the default, src/main/resources/db/migrations/), or point cairn.locations "
					+ "at the folder that holds them.");
	}

	@Test
	void rejectsFileLocationThatDoesNotExist(@TempDir Path temp) {
		String location = "filesystem:" + temp.resolve("no-such-folder");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> resolve(location))
			.withMessage("Migration location " + location + " does not exist. Create it and put your migrations there "
					+ "(for the default, src/main/resources/db/migrations/), or point cairn.locations at the folder "
					+ "that holds them.");
	}

	@Test
	void acceptsExistingLocationWithoutMigrations(@TempDir Path temp) {
		assertThat(resolve("file:" + temp)).isEmpty();
	}

	private List<ResolvedMigration> resolve(String... locations) {
		return new MigrationSource(List.of(locations), List.of(), getClass().getClassLoader()).resolve();
	}

	private static String folder(String scenario) {
		try {
			return new ClassPathResource("scenarios/" + scenario).getFile().getAbsolutePath();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void checksumOfTheBytesEqualsTheChecksumOfTheNormalisedText() {
		java.util.Random random = new java.util.Random(42);
		String[] pieces = { "CREATE TABLE t (id int);", " ", "\t", "\n", "\r\n", "\r", "é", "\u2003", "x", "--c",
				"\u000B", "\u001F", "😀" };
		for (int i = 0; i < 5000; i++) {
			StringBuilder text = new StringBuilder();
			int length = random.nextInt(12);
			for (int j = 0; j < length; j++) {
				text.append(pieces[random.nextInt(pieces.length)]);
			}
			byte[] bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
			assertThat(MigrationText.checksum(bytes, text.toString())).as(text.toString())
				.isEqualTo(MigrationText.checksum(text.toString()));
		}
	}

}
