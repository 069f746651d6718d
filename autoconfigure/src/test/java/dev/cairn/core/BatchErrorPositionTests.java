package dev.cairn.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A statement that fails inside a large file is named by its line and column with the
 * caret, wherever it stands in the file and whatever locale the JVM formats the driver's
 * messages in.
 */
class BatchErrorPositionTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	@ParameterizedTest
	@ValueSource(ints = { 1, 999, 1_000, 1_001, 65_536, 100_000 })
	void namesTheFailingStatementOfATransactionalFileWhereverItStands(int position) throws IOException {
		Path migrations = seed(Math.max(position, 1_200), position, false);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator(migrations).migrate())
			.withMessageStartingWith(header(position, position))
			.satisfies((ex) -> assertThat(ex.getLine()).isEqualTo(position))
			.withMessageEndingWith("Nothing from this migration was applied; the 1 migration(s) applied before it in "
					+ "this run stay applied. Fix the file and restart.");
		assertThat(jdbc().queryForObject("SELECT count(*) FROM s", Integer.class)).isOne();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 1_000, 1_001 })
	void namesTheFailingStatementOfANoTransactionFile(int position) throws IOException {
		Path migrations = seed(1_001, position, true);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator(migrations).migrate())
			.withMessageStartingWith(header(position, position + 1))
			.satisfies((ex) -> assertThat(ex.getLine()).isEqualTo(position + 1));
		assertThat(jdbc().queryForObject("SELECT count(*) FROM s", Integer.class)).isEqualTo(position);
	}

	@Test
	void namesTheFailingStatementWhenTheDriverSpeaksGerman() throws Exception {
		Path migrations = seed(1_200, 1_001, false);
		Path output = this.folder.resolve("de.log");
		Process process = Instances.start(this.database, Instances.location(migrations), "german", "", output,
				List.of("-Duser.language=de", "-Duser.country=DE"));
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
		String printed = Files.readString(output, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as(printed).isOne();
		assertThat(printed).as(printed).contains("failed: " + header(1_001, 1_001).substring(0, 60));
		assertThat(printed).contains("1001 | INSERT INTO s VALUES (0);\n     | ^\n");
	}

	@Test
	void readsTheFailedEntryFromTheDriversMessageWhateverItsLanguageAndDigitGrouping() {
		List<String> batch = new java.util.ArrayList<>();
		for (int i = 0; i < 1_001; i++) {
			batch.add("INSERT INTO s VALUES (" + i + ")");
		}
		assertThat(BatchEntries.failedEntry("Batch entry 2 INSERT INTO s VALUES (2) was aborted: boom", batch))
			.isEqualTo(2);
		assertThat(BatchEntries.failedEntry("Batch entry 1,000 INSERT INTO s VALUES (1000) was aborted", batch))
			.isEqualTo(1_000);
		assertThat(BatchEntries.failedEntry("Batch-Eintrag 1.000 INSERT INTO s VALUES (1000) wurde abgebrochen", batch))
			.isEqualTo(1_000);
		assertThat(BatchEntries.failedEntry("Batch entry 7 INSERT INTO s VALUES (1000) was aborted", batch))
			.as("the number and the statement disagree: replay decides")
			.isEqualTo(-1);
		assertThat(BatchEntries.failedEntry("no entry named", batch)).isEqualTo(-1);
	}

	private static String header(int position, int line) {
		String number = Integer.toString(line);
		String pad = " ".repeat(Math.max(4, number.length()) - number.length());
		return "Migration 002_seed.sql failed at line " + line + ", column 1: duplicate key value violates unique "
				+ "constraint \"s_pkey\" (SQLSTATE 23505)\n" + pad + number + " | INSERT INTO s VALUES (0);\n"
				+ " ".repeat(Math.max(4, number.length())) + " | ^\n";
	}

	/**
	 * Writes 001 (a table holding id 0) and 002 with one single-row insert per line, the
	 * one at {@code position} inserting 0 again.
	 */
	private Path seed(int count, int position, boolean noTransaction) throws IOException {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_table.sql"),
				"CREATE TABLE s (id int PRIMARY KEY);\nINSERT INTO s VALUES (0);\n");
		StringBuilder sql = new StringBuilder(count * 28);
		if (noTransaction) {
			sql.append("-- cairn:no-transaction\n");
		}
		for (int i = 1; i <= count; i++) {
			sql.append("INSERT INTO s VALUES (").append((i == position) ? 0 : i).append(");\n");
		}
		Files.writeString(migrations.resolve("002_seed.sql"), sql);
		return migrations;
	}

	private Migrator migrator(Path migrations) {
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations(Instances.location(migrations)).build());
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
