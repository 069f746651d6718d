package dev.cairn.test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import dev.cairn.core.JavaMigration;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CairnDatabase#forMigrator(Migrator)}: the template is migrated with the
 * migrator's settings (here its placeholders, which are part of the template's key) and
 * its Java migrations, and never through the migrator's own data source.
 */
@ExtendWith(OnTestServer.class)
class CairnDatabaseForMigratorTests {

	@RegisterExtension
	static final CairnDatabase hello = CairnDatabase.forMigrator(migrator("hello"));

	@RegisterExtension
	static final CairnDatabase bonjour = CairnDatabase.forMigrator(migrator("bonjour"));

	@Test
	void eachPlaceholderValueGetsATemplateOfItsOwnWithTheJavaMigration() {
		assertThat(greetings(hello)).containsExactly("hello", "written in Java");
		assertThat(greetings(bonjour)).containsExactly("bonjour", "written in Java");
		assertThat(hello.name()).isNotEqualTo(bonjour.name()).startsWith("cairn_clone_");
	}

	private static List<String> greetings(CairnDatabase db) {
		return new JdbcTemplate(db.dataSource()).queryForList("SELECT text FROM greeting ORDER BY position",
				String.class);
	}

	private static Migrator migrator(String greeting) {
		// The application's own database, which a test must never migrate: nothing
		// listens there.
		PGSimpleDataSource application = new PGSimpleDataSource();
		try {
			application.setURL("jdbc:postgresql://127.0.0.1:" + TestServerTests.closedPort() + "/app");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		MigratorSettings settings = MigratorSettings.builder()
			.locations("classpath:scenarios/template-placeholders")
			.placeholders(Map.of("greeting", greeting))
			.build();
		return new Migrator(application, settings, MigrationListener.NONE, List.of(new Greeting()));
	}

	/** A second greeting, written in Java. */
	static final class Greeting implements JavaMigration {

		@Override
		public String version() {
			return "2";
		}

		@Override
		public String description() {
			return "java greeting";
		}

		@Override
		public void migrate(JdbcTemplate jdbc) {
			jdbc.update("INSERT INTO greeting VALUES (2, 'written in Java')");
		}

	}

}
