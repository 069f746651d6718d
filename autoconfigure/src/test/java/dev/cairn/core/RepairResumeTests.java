package dev.cairn.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code repair} never records a migration as applied while statements of it have not
 * run, unless told so: a failed non-transactional migration is resumed with the fixed
 * file, refused when what already ran was edited, and recorded as applied without running
 * only with {@code mark-applied}.
 */
class RepairResumeTests {

	private static final String FAILING = """
			-- cairn:no-transaction
			CREATE INDEX CONCURRENTLY users_name ON users (name);
			CREATE INDEX CONCURRENTLY users_mail ON users (mail);
			CREATE INDEX CONCURRENTLY users_created ON users (created_on);
			""";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	private Path migrations;

	@BeforeEach
	void failPartWay() throws IOException {
		this.migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(this.migrations.resolve("001_users.sql"),
				"CREATE TABLE users (id int PRIMARY KEY, name text, email text, created_on date);\n");
		Files.writeString(this.migrations.resolve("002_idx.sql"), FAILING);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator().migrate())
			.withMessageStartingWith("Migration 002_idx.sql failed at line 3, column 1: column \"mail\" does not exist")
			.withMessageEndingWith("This migration runs outside a transaction: 1 of its 3 statements ran and stay "
					+ "applied, and the history records it as failed at statement 2. Fix the cause (edit statement 2 "
					+ "or a later one, or fix the database), then run repair: statements 2-3 of the file as it then "
					+ "stands will run.");
	}

	@Test
	void resumesTheEditedFileWithItsRemainingStatementsWhenWhatRanIsUnchanged() throws IOException {
		edit(FAILING.replace("(mail)", "(email)"));
		List<RepairAction> repaired = migrator().repair();
		assertThat(repaired).extracting(RepairAction::action)
			.containsExactly("resumed the edited file at statement 2 of 3 and completed it (statement 1, which ran "
					+ "before, is unchanged)");
		assertThat(validIndexes()).containsExactly("users_created", "users_mail", "users_name", "users_pkey");
		assertThat(jdbc().queryForList(
				"SELECT type || ' ' || success FROM cairn_history WHERE version = '2' ORDER BY " + "installed_rank",
				String.class))
			.containsExactly("SQL_NO_TX false", "SQL_NO_TX true");
		assertThat(migrator().migrate().applied()).isEmpty();
	}

	@Test
	void resumesAnUnchangedFileOnceTheDatabaseIsFixed() {
		jdbc().execute("ALTER TABLE users ADD COLUMN mail text");
		assertThat(migrator().repair()).extracting(RepairAction::action)
			.containsExactly("resumed at statement 2 of 3 and completed it");
		assertThat(validIndexes()).containsExactly("users_created", "users_mail", "users_name", "users_pkey");
	}

	@Test
	void refusesWhenAStatementThatAlreadyRanWasEdited() throws IOException {
		edit(FAILING.replace("(mail)", "(email)")
			.replace("users_name ON users (name)", "users_name ON users (lower(name))"));
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator().repair()).withMessage("""
				Cannot resume 002_idx.sql: statement 1 (line 2) ran before it failed, and the file now has it changed.
				It ran as:    CREATE INDEX CONCURRENTLY users_name ON users (name)
				The file has: CREATE INDEX CONCURRENTLY users_name ON users (lower(name))
				Restore statement 1 as it ran (a change belongs in a new migration), then run repair again.\
				 If you completed the migration by hand, run repair with cairn.repair.mark-applied=2 to \
				record it as applied without running anything.""");
		assertThat(jdbc().queryForList("SELECT success FROM cairn_history WHERE version = '2'", Boolean.class))
			.containsExactly(false);
		assertThat(validIndexes()).containsExactly("users_name", "users_pkey");
	}

	@Test
	void recordsAsAppliedWithoutRunningOnlyWhenTold() throws IOException {
		jdbc().execute("CREATE INDEX users_mail ON users (email)");
		edit(FAILING.replace("(mail)", "(email)"));
		List<RepairAction> repaired = migrator().repair(List.of("2"));
		assertThat(repaired).extracting(RepairAction::action)
			.containsExactly("recorded as applied without running statements 2-3, as cairn.repair.mark-applied=2 "
					+ "asked (you completed it by hand)");
		assertThat(validIndexes()).containsExactly("users_mail", "users_name", "users_pkey");
		assertThat(jdbc().queryForList("SELECT type FROM cairn_history WHERE version = '2' ORDER BY installed_rank",
				String.class))
			.containsExactly("SQL_NO_TX", "REPAIR");
		assertThat(migrator().migrate().applied()).isEmpty();
	}

	@Test
	void anAppliedFileEditedLaterIsAcceptedWithItsDiffAndNothingOfTheEditRuns() throws IOException {
		edit(FAILING.replace("(mail)", "(email)"));
		migrator().repair();
		edit(FAILING.replace("(mail)", "(email)") + "CREATE INDEX CONCURRENTLY users_late ON users (id, name);\n");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator().migrate())
			.withMessageContaining("""
					What changed:
					--- applied
					+++ 002_idx.sql
					@@ -3,2 +3,3 @@
					 CREATE INDEX CONCURRENTLY users_mail ON users (email);
					 CREATE INDEX CONCURRENTLY users_created ON users (created_on);
					+CREATE INDEX CONCURRENTLY users_late ON users (id, name);
					""");
		assertThat(migrator().repair()).singleElement()
			.satisfies((action) -> assertThat(action.action()).contains("None of the edit was run"));
		assertThat(validIndexes()).doesNotContain("users_late");
	}

	private void edit(String text) throws IOException {
		Files.writeString(this.migrations.resolve("002_idx.sql"), text);
	}

	private List<String> validIndexes() {
		return jdbc().queryForList("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
				+ "WHERE i.indrelid = 'users'::regclass AND i.indisvalid ORDER BY 1", String.class);
	}

	private Migrator migrator() {
		return new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations(Instances.location(this.migrations)).build());
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
