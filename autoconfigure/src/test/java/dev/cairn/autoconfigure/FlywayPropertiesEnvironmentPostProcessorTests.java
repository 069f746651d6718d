package dev.cairn.autoconfigure;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationStatus;
import dev.cairn.core.Migrator;
import dev.cairn.test.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FlywayPropertiesEnvironmentPostProcessor}.
 */
@ExtendWith(OutputCaptureExtension.class)
class FlywayPropertiesEnvironmentPostProcessorTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final DeferredLogs logs = new DeferredLogs();

	@Test
	void usesEachFlywaySettingWhoseCairnSettingIsUnsetAndSaysSo(CapturedOutput output) {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("spring.flyway.locations", "classpath:db/migration,filesystem:/opt/sql")
			.withProperty("spring.flyway.table", "schema_history")
			.withProperty("spring.flyway.default-schema", "app")
			.withProperty("spring.flyway.placeholders.owner", "ledger")
			.withProperty("spring.flyway.placeholders.region", "eu")
			.withProperty("spring.flyway.baseline-on-migrate", "true")
			.withProperty("spring.flyway.baseline-version", "3")
			.withProperty("spring.flyway.out-of-order", "true")
			.withProperty("spring.flyway.target", "7_1")
			.withProperty("spring.flyway.url", "jdbc:postgresql://db/app")
			.withProperty("spring.flyway.user", "owner")
			.withProperty("spring.flyway.password", "s3cret")
			.withProperty("spring.flyway.enabled", "false")
			.withProperty("cairn.placeholders.region", "us");
		process(environment);
		assertThat(environment.getProperty("cairn.locations")).isEqualTo("classpath:db/migration,filesystem:/opt/sql");
		assertThat(environment.getProperty("cairn.adopt-from")).isEqualTo("schema_history");
		assertThat(environment.getProperty("cairn.schema")).isEqualTo("app");
		assertThat(environment.getProperty("cairn.placeholders.owner")).isEqualTo("ledger");
		assertThat(environment.getProperty("cairn.placeholders.region")).isEqualTo("us");
		assertThat(environment.getProperty("cairn.baseline-version")).isEqualTo("3");
		assertThat(environment.getProperty("cairn.out-of-order")).isEqualTo("true");
		assertThat(environment.getProperty("cairn.target")).isEqualTo("7.1");
		assertThat(environment.getProperty("cairn.url")).isEqualTo("jdbc:postgresql://db/app");
		assertThat(environment.getProperty("cairn.user")).isEqualTo("owner");
		assertThat(environment.getProperty("cairn.password")).isEqualTo("s3cret");
		assertThat(environment.getProperty("cairn.enabled")).isEqualTo("false");
		this.logs.switchOverAll();
		assertThat(output)
			.containsOnlyOnce("Cairn is using spring.flyway.locations=classpath:db/migration,"
					+ "filesystem:/opt/sql for cairn.locations")
			.contains("Cairn is using spring.flyway.table=schema_history for cairn.adopt-from")
			.contains("Cairn is using spring.flyway.placeholders.owner=ledger for cairn.placeholders.owner")
			.contains("Cairn is using spring.flyway.password=****** for cairn.password")
			.doesNotContain("s3cret")
			.doesNotContain("spring.flyway.placeholders.region");
	}

	@Test
	void leavesEveryCairnSettingThatIsSet() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("spring.flyway.locations", "classpath:db/migration")
			.withProperty("spring.flyway.default-schema", "app")
			.withProperty("spring.flyway.baseline-on-migrate", "true")
			.withProperty("cairn.locations[0]", "classpath:db/migrations")
			.withProperty("cairn.schema", "ops")
			.withProperty("cairn.baseline-version", "9");
		process(environment);
		assertThat(environment.getPropertySources()
			.contains(FlywayPropertiesEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)).isFalse();
	}

	@Test
	void ignoresATargetThatIsNotAVersion() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.flyway.target", "latest");
		process(environment);
		assertThat(environment.containsProperty("cairn.target")).isFalse();
	}

	@Test
	void usesFlywaysDefaultLocationWhenCairnsIsMissing(@TempDir Path classpath, CapturedOutput output)
			throws IOException {
		Files.createDirectories(classpath.resolve("db/migration"));
		Files.writeString(classpath.resolve("db/migration/V1__init.sql"), "SELECT 1;\n");
		try (URLClassLoader loader = new URLClassLoader(new URL[] { classpath.toUri().toURL() }, null)) {
			MockEnvironment environment = new MockEnvironment();
			SpringApplication application = new SpringApplication();
			application.setResourceLoader(new DefaultResourceLoader(loader));
			new FlywayPropertiesEnvironmentPostProcessor(this.logs).postProcessEnvironment(environment, application);
			assertThat(environment.getProperty("cairn.locations")).isEqualTo("classpath:db/migration");
			Files.createDirectories(classpath.resolve("db/migrations"));
			MockEnvironment both = new MockEnvironment();
			new FlywayPropertiesEnvironmentPostProcessor(this.logs).postProcessEnvironment(both, application);
			assertThat(both.containsProperty("cairn.locations")).isFalse();
		}
		this.logs.switchOverAll();
		assertThat(output).containsOnlyOnce("Cairn found no classpath:db/migrations, but classpath:db/migration holds "
				+ "Flyway migrations: using it for cairn.locations (set cairn.locations to choose)");
	}

	@Test
	void takesOverAFlywayApplicationWithItsFlywaySettingsOnly() {
		Flyway.configure()
			.dataSource(this.database.url(), this.database.username(), this.database.password())
			.locations("classpath:scenarios/flyway-project")
			.placeholders(Map.of("owner", "ledger"))
			.configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
			.load()
			.migrate();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CairnAutoConfiguration.class))
			.withPropertyValues(TestDatabaseProperties.of("spring.datasource", this.database))
			.withPropertyValues("spring.flyway.locations=classpath:scenarios/flyway-project,"
					+ "classpath:scenarios/flyway-project-next", "spring.flyway.placeholders.owner=ledger")
			.withInitializer((context) -> new FlywayPropertiesEnvironmentPostProcessor(this.logs)
				.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MigrationStatus status = context.getBean(Migrator.class).status();
				assertThat(status.current()).isEqualTo("7");
				assertThat(status.migrations()).extracting((info) -> info.state()).containsOnly(MigrationState.APPLIED);
				JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
				assertThat(jdbc.queryForList("SELECT type FROM cairn_history ORDER BY installed_rank", String.class))
					.containsExactly("ADOPTED", "ADOPTED", "ADOPTED", "ADOPTED", "ADOPTED", "ADOPTED", "SQL",
							"SQL_NO_TX", "SQL_NO_TX");
				assertThat(jdbc.queryForObject("SELECT count(*) FROM flyway_schema_history", Integer.class))
					.isEqualTo(6);
			});
	}

	private void process(MockEnvironment environment) {
		new FlywayPropertiesEnvironmentPostProcessor(this.logs).postProcessEnvironment(environment,
				new SpringApplication());
	}

}
