package dev.cairn.autoconfigure;

import java.time.Instant;
import java.util.List;

import javax.sql.DataSource;

import dev.cairn.actuate.MigrationsEndpoint;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.MigrationException;
import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the endpoint may never show, and what restarting may never do.
 */
class EndpointSecurityTests {

	private static final String SECRET = "hunter2-secret";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void jsonNeverContainsPasswordsOrJdbcUrls() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CairnAutoConfiguration.class,
					CairnEndpointAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + this.database.url(),
					"spring.datasource.username=" + this.database.username(), "spring.datasource.password=" + SECRET,
					"cairn.url=" + this.database.url() + "?password=" + SECRET,
					"cairn.user=" + this.database.username(), "cairn.password=" + SECRET,
					"cairn.locations=classpath:scenarios/valid", "management.endpoints.web.exposure.include=migrations")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String body = this.json.writeValueAsString(context.getBean(MigrationsEndpoint.class).migrations());
				assertThat(body).contains("\"currentVersion\":\"3\"")
					.doesNotContain(SECRET, "jdbc:", this.database.name());
			});
	}

	@Test
	void aFailedRunShowsItsErrorWithoutTheConnectionDetails() {
		PGSimpleDataSource unreachable = new PGSimpleDataSource();
		unreachable.setUrl("jdbc:postgresql://127.0.0.1:1/" + this.database.name() + "?password=" + SECRET);
		MigrationSnapshot snapshot = new MigrationSnapshot();
		Migrator migrator = new Migrator(unreachable,
				MigratorSettings.builder().locations("classpath:scenarios/valid").build(), snapshot, List.of());
		MigrationException failure = catchThrowableOfType(MigrationException.class, migrator::migrate);
		assertThat(snapshot.lastRun().error()).isSameAs(failure);
		String body = this.json.writeValueAsString(new MigrationsEndpoint(snapshot, migrator).migrations());
		assertThat(body).contains("\"error\":{\"message\":\"Migration run against the database failed")
			.doesNotContain(SECRET, "jdbc:");
	}

	@Test
	void restartingTwentyTimesNeverDuplicatesAHistoryRow() {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(CairnAutoConfiguration.class))
			.withBean("dataSource", DataSource.class, this.database::dataSource)
			.withPropertyValues("cairn.locations=classpath:scenarios/valid");
		for (int restart = 0; restart < 20; restart++) {
			runner.run((context) -> assertThat(context).hasNotFailed());
		}
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		assertThat(jdbc.queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isEqualTo(3);
		assertThat(jdbc.queryForObject("SELECT count(DISTINCT version) FROM cairn_history", Integer.class))
			.isEqualTo(3);
	}

}
