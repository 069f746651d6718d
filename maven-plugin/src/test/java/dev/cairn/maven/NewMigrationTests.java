package dev.cairn.maven;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link NewMigration}.
 */
class NewMigrationTests {

	private static final Instant NOW = Instant.parse("2026-12-03T11:30:05Z");

	@Test
	void followsZeroPaddedVersions() {
		NewMigration next = next(List.of("001_initial.sql", "001_initial.down.sql", "006_index.sql"), "add notes");
		assertThat(next).isEqualTo(new NewMigration("007_add_notes.sql", "007_add_notes.down.sql"));
	}

	@Test
	void keepsThePaddingWidthAndGrowsPastIt() {
		assertThat(next(List.of("0009_a.sql"), "b").up()).isEqualTo("0010_b.sql");
		assertThat(next(List.of("99_a.sql"), "b").up()).isEqualTo("100_b.sql");
		assertThat(next(List.of("1_a.sql", "2_b.sql"), "c").up()).isEqualTo("3_c.sql");
	}

	@Test
	void comparesVersionsNumerically() {
		assertThat(next(List.of("9_a.sql", "10_b.sql", "2.5_c.sql"), "d").up()).isEqualTo("11_d.sql");
		assertThat(next(List.of("1.2_a.sql"), "b").up()).isEqualTo("2_b.sql");
	}

	@Test
	void usesAUtcTimestampWhenTheVersionsAreTimestamps() {
		NewMigration next = next(List.of("20240131120000_add_discount.sql"), "add discount to invoices");
		assertThat(next).isEqualTo(new NewMigration("20261203113005_add_discount_to_invoices.sql",
				"20261203113005_add_discount_to_invoices.down.sql"));
	}

	@Test
	void staysAboveATimestampFromTheFuture() {
		assertThat(next(List.of("20291231235959_later.sql"), "b").up()).isEqualTo("20300101000000_b.sql");
	}

	@Test
	void followsFlywayNamesWithTheirUndoTwin() {
		NewMigration next = next(List.of("V1__init.sql", "V2__users.sql", "U2__users.sql", "R__views.sql"),
				"add notes");
		assertThat(next).isEqualTo(new NewMigration("V3__add_notes.sql", "U3__add_notes.sql"));
		assertThat(next(List.of("V1_1__init.sql"), "x").up()).isEqualTo("V2__x.sql");
	}

	@Test
	void startsAnEmptyFolderAtOne() {
		assertThat(next(List.of(), "initial schema"))
			.isEqualTo(new NewMigration("001_initial_schema.sql", "001_initial_schema.down.sql"));
	}

	@Test
	void namesARepeatableMigrationWithoutADownFile() {
		assertThat(NewMigration.next(List.of("001_a.sql"), "finding counts view", true, NOW))
			.isEqualTo(new NewMigration("R__finding_counts_view.sql", null));
	}

	@Test
	void turnsPunctuationIntoUnderscores() {
		assertThat(next(List.of(), "  Add `discount` (%) to invoices!  ").up())
			.isEqualTo("001_Add_discount_to_invoices.sql");
	}

	@Test
	void refusesANameThatCollides() {
		assertThatIllegalArgumentException().isThrownBy(() -> next(List.of("003_add_notes.sql"), "add notes"))
			.withMessage("A migration named \"add_notes\" exists already: 003_add_notes.sql. Choose another -Dname, "
					+ "so that the history tells the two apart.");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> NewMigration.next(List.of("R__user_view.sql"), "user view", true, NOW))
			.withMessageStartingWith("A migration named \"user_view\" exists already: R__user_view.sql.");
		assertThatIllegalArgumentException().isThrownBy(() -> next(List.of("V4__Add_Notes.sql"), "add notes"))
			.withMessageContaining("V4__Add_Notes.sql");
	}

	@Test
	void refusesANameWithoutLettersOrDigits() {
		assertThatIllegalArgumentException().isThrownBy(() -> next(List.of(), " -- "))
			.withMessageStartingWith("-Dname=\" -- \" has no letters or digits.");
	}

	private static NewMigration next(List<String> existing, String name) {
		return NewMigration.next(existing, name, false, NOW);
	}

}
