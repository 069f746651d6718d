package dev.cairn.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HistoryTableTests {

	private static final String RULES = ": use letters, digits, underscores and $ only, starting with a letter or "
			+ "underscore, at most 63 characters (for example cairn_history or audit.cairn_history).";

	@Test
	void quotesPlainTableName() {
		HistoryTable table = new HistoryTable("cairn_history", null);
		assertThat(table.sqlName()).isEqualTo("\"cairn_history\"");
		assertThat(table.displayName()).isEqualTo("cairn_history");
	}

	@Test
	void quotesSchemaQualifiedTableName() {
		HistoryTable table = new HistoryTable("audit.cairn_history", null);
		assertThat(table.sqlName()).isEqualTo("\"audit\".\"cairn_history\"");
		assertThat(table.displayName()).isEqualTo("audit.cairn_history");
	}

	@Test
	void qualifiesTableWithConfiguredSchema() {
		HistoryTable table = new HistoryTable("cairn_history", "cairn");
		assertThat(table.sqlName()).isEqualTo("\"cairn\".\"cairn_history\"");
		assertThat(table.displayName()).isEqualTo("cairn.cairn_history");
	}

	@Test
	void ignoresBlankSchemaAndSurroundingWhitespace() {
		assertThat(new HistoryTable(" cairn_history ", "  ").sqlName()).isEqualTo("\"cairn_history\"");
		assertThat(new HistoryTable("cairn_history", " cairn ").sqlName()).isEqualTo("\"cairn\".\"cairn_history\"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "_history", "History2", "cairn$history", "t" })
	void acceptsPlainIdentifiers(String name) {
		assertThat(new HistoryTable(name, null).sqlName()).isEqualTo("\"" + name + "\"");
	}

	@Test
	void acceptsNameOfSixtyThreeCharacters() {
		String name = "h".repeat(63);
		assertThat(new HistoryTable(name, null).sqlName()).isEqualTo("\"" + name + "\"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "x; drop table y", "\"quoted\"", "cairn history", "1history", "history-table", "",
			"cairn_history;", "caf\u00e9", "a.b.c" })
	void rejectsTableNamesThatAreNotPlainIdentifiers(String name) {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> new HistoryTable(name, null))
			.withMessage("'" + name + "' is not a valid history table name" + RULES);
	}

	@Test
	void rejectsNameLongerThanSixtyThreeCharacters() {
		String name = "h".repeat(64);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> new HistoryTable(name, null))
			.withMessage("'" + name + "' is not a valid history table name" + RULES);
	}

	@Test
	void rejectsSchemaThatIsNotAPlainIdentifier() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> new HistoryTable("cairn_history", "public; drop schema audit"))
			.withMessage("'public; drop schema audit' is not a valid history schema name" + RULES);
	}

	@Test
	void rejectsSchemaPartOfQualifiedTableThatIsNotAPlainIdentifier() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> new HistoryTable("\"audit\".cairn_history", null))
			.withMessage("'\"audit\"' is not a valid history schema name" + RULES);
	}

	@Test
	void rejectsQualifiedTableTogetherWithSchema() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> new HistoryTable("audit.cairn_history", "cairn"))
			.withMessage("The history table 'audit.cairn_history' names a schema and cairn.schema is 'cairn' as well. "
					+ "Set only one of them.");
	}

}
