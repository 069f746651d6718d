package dev.cairn.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import dev.cairn.core.JavaMigration;
import dev.cairn.core.LintMode;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationType;
import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import dev.cairn.test.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CairnAutoConfiguration}, each against a fresh PostgreSQL database.
 */
class CairnAutoConfigurationTests {

	private TestDatabase database;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void createDatabase() {
		this.database = new TestDatabase().create(getClass().getSimpleName());
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
							JdbcClientAutoConfiguration.class, CairnAutoConfiguration.class))
			.withPropertyValues(TestDatabaseProperties.of("spring.datasource", this.database))
			.withPropertyValues("cairn.locations=classpath:scenarios/valid");
	}

	@AfterEach
	void dropDatabase() {
		this.database.drop();
	}

	@Test
	void backsOffWithoutDataSource() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(CairnAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(Migrator.class)
				.doesNotHaveBean(MigrationInitializer.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("cairn.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(Migrator.class).doesNotHaveBean(MigrationSnapshot.class);
			assertThat(tables()).doesNotContain("users", "cairn_history");
		});
	}

	@Test
	void appliesMigrationsOnStartup() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(Migrator.class).hasSingleBean(MigrationInitializer.class);
			MigrationSnapshot snapshot = context.getBean(MigrationSnapshot.class);
			assertThat(snapshot.status().current()).isEqualTo("3");
			assertThat(snapshot.status().migrations()).extracting(MigrationInfo::state)
				.containsExactly(MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.APPLIED);
			assertThat(snapshot.lastRun()).satisfies((run) -> {
				assertThat(run.applied()).isEqualTo(3);
				assertThat(run.succeeded()).isTrue();
			});
			assertThat(userNames()).containsExactly("Ada", "O'Brien; the second");
		});
	}

	@Test
	void secondStartAppliesNothing() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(MigrationSnapshot.class).lastRun().applied()).isZero();
			assertThat(userNames()).hasSize(2);
		});
	}

	@Test
	void jdbcTemplateAndJdbcClientDependOnTheInitializer() {
		this.contextRunner.run((context) -> {
			for (String name : List.of("jdbcTemplate", "jdbcClient")) {
				BeanDefinition definition = context.getBeanFactory().getBeanDefinition(name);
				assertThat(definition.getDependsOn()).contains("cairnMigrationInitializer");
			}
		});
	}

	@Test
	void beansUsingJdbcTemplateOrJdbcClientSeeMigratedRows() {
		this.contextRunner.withUserConfiguration(UserReaders.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JdbcTemplateUserReader.class).names).containsExactly("Ada",
					"O'Brien; the second");
			assertThat(context.getBean(JdbcClientUserReader.class).names).containsExactly("Ada", "O'Brien; the second");
		});
	}

	@Test
	void userMigratorWins() {
		this.contextRunner.withUserConfiguration(UserMigratorConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(Migrator.class);
			assertThat(context.getBean(Migrator.class).settings().table()).isEqualTo("team_history");
			assertThat(tables()).contains("team_history", "users").doesNotContain("cairn_history");
		});
	}

	@Test
	void propertiesReachTheMigrator() {
		this.contextRunner
			.withPropertyValues("cairn.table=schema_history", "cairn.lock-timeout=3s", "cairn.lock-retries=1",
					"cairn.statement-timeout=1m", "cairn.lock-wait-timeout=30s", "cairn.out-of-order=true",
					"cairn.ignore-missing=true", "cairn.target=1", "cairn.schema=public", "cairn.create-schema=false")
			.run((context) -> {
				MigratorSettings settings = context.getBean(Migrator.class).settings();
				assertThat(settings.locations()).containsExactly("classpath:scenarios/valid");
				assertThat(settings.table()).isEqualTo("schema_history");
				assertThat(settings.schema()).isEqualTo("public");
				assertThat(settings.createSchema()).isFalse();
				assertThat(settings.lockTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.lockRetries()).isEqualTo(1);
				assertThat(settings.statementTimeout()).isEqualTo(Duration.ofMinutes(1));
				assertThat(settings.lockWaitTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(settings.outOfOrder()).isTrue();
				assertThat(settings.ignoreMissing()).isTrue();
				assertThat(settings.target()).isEqualTo("1");
				assertThat(context.getBean(MigrationSnapshot.class).status().current()).isEqualTo("1");
				assertThat(tables()).contains("schema_history");
			});
	}

	@Test
	void lintFailRefusesToStartOnAFindingInAPendingMigration() {
		this.contextRunner.withPropertyValues("cairn.locations=classpath:scenarios/lint-at-start", "cairn.lint=fail")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(MigrationException.class)
				.hasMessageContaining("002_users_name_index.sql:2: create-index-not-concurrent (error)")
				.hasMessageContaining("(cairn.lint=fail)"));
	}

	@Test
	void lintModeReachesTheMigrator() {
		this.contextRunner.withPropertyValues("cairn.lint=off", "cairn.mode=off")
			.run((context) -> assertThat(context.getBean(Migrator.class).settings().lint()).isEqualTo(LintMode.OFF));
	}

	@Test
	void baselineVersionReachesTheMigrator() {
		this.contextRunner.withPropertyValues("cairn.baseline-version=2", "cairn.mode=off")
			.run((context) -> assertThat(context.getBean(Migrator.class).settings().baselineVersion()).isEqualTo("2"));
	}

	@Test
	void javaMigrationBeansRunWithTheFiles() {
		this.contextRunner.withBean(JavaMigration.class, AddGraceUser::new).run((context) -> {
			assertThat(context).hasNotFailed();
			MigrationSnapshot snapshot = context.getBean(MigrationSnapshot.class);
			assertThat(snapshot.status().current()).isEqualTo("4");
			assertThat(snapshot.status().migrations()).last().satisfies((migration) -> {
				assertThat(migration.type()).isEqualTo(MigrationType.JAVA);
				assertThat(migration.state()).isEqualTo(MigrationState.APPLIED);
			});
			assertThat(userNames()).contains("Grace");
		});
	}

	@Test
	void failingMigrationFailsStartupNamingFileAndLine() {
		this.contextRunner.withPropertyValues("cairn.locations=classpath:scenarios/failure-in-third-statement")
			.run((context) -> {
				assertThat(context).hasFailed();
				MigrationException failure = migrationFailure(context.getStartupFailure());
				assertThat(failure).hasMessageContaining("Migration 003_findings.sql failed at line 5, column 7")
					.hasMessageContaining("42601");
				assertThat(failure.getScript()).isEqualTo("003_findings.sql");
				assertThat(failure.getLine()).isEqualTo(5);
			});
		assertThat(tables()).contains("users").doesNotContain("findings");
		assertThat(columns("users")).contains("email");
	}

	@Test
	void failsStartupWhenAnAppliedMigrationWasModified() {
		this.contextRunner.withPropertyValues("cairn.locations=classpath:scenarios/modified/before")
			.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withPropertyValues("cairn.locations=classpath:scenarios/modified/after").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(migrationFailure(context.getStartupFailure()))
				.hasMessageContaining("002_add_email.sql (version 2) was changed after it was applied");
		});
	}

	@Test
	void modeOffLeavesTheDatabaseAlone() {
		this.contextRunner.withPropertyValues("cairn.mode=off").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(Migrator.class);
			assertThat(context.getBean(MigrationSnapshot.class).isRecorded()).isFalse();
			assertThat(tables()).isEmpty();
		});
	}

	@Test
	void modeValidateFailsStartupListingPendingMigrations() {
		this.contextRunner.withPropertyValues("cairn.mode=validate").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(migrationFailure(context.getStartupFailure())).hasMessageContaining("3 migrations are pending")
				.hasMessageContaining("001_create_users.sql, 002_add_email.sql, 003_seed_users.sql");
		});
		assertThat(tables()).doesNotContain("users");
	}

	@Test
	void modeValidateStartsWhenEverythingIsApplied() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withPropertyValues("cairn.mode=validate").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(MigrationSnapshot.class).status().current()).isEqualTo("3");
		});
	}

	@Test
	void recordsMetricsWhenAMeterRegistryIsPresent() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("cairn.migrate").tag("outcome", "success").timer().count()).isOne();
			assertThat(registry.get("cairn.migration").tag("type", "SQL").timer().count()).isEqualTo(3);
			assertThat(registry.get("cairn.lock.wait").timer().count()).isOne();
			assertThat(registry.get("cairn.migrations.pending").gauge().value()).isZero();
		});
	}

	@Test
	void reportsAStartupStep() {
		RecordingStartup startup = new RecordingStartup();
		this.contextRunner.withInitializer((context) -> context.setApplicationStartup(startup)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(startup.steps).contains("cairn.migrate");
		});
	}

	private List<String> tables() {
		return jdbc().queryForList(
				"SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
				String.class);
	}

	private List<String> columns(String table) {
		return jdbc().queryForList("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
				String.class, table);
	}

	private List<String> userNames() {
		return jdbc().queryForList("SELECT name FROM users ORDER BY name", String.class);
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

	static MigrationException migrationFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof MigrationException migrationException) {
				return migrationException;
			}
		}
		throw new AssertionError("No MigrationException in " + failure, failure);
	}

	@Configuration(proxyBeanMethods = false)
	@Import({ JdbcTemplateUserReader.class, JdbcClientUserReader.class })
	static class UserReaders {

	}

	@Component
	static class JdbcTemplateUserReader {

		final List<String> names;

		JdbcTemplateUserReader(JdbcTemplate jdbcTemplate) {
			this.names = jdbcTemplate.queryForList("SELECT name FROM users ORDER BY name", String.class);
		}

	}

	@Component
	static class JdbcClientUserReader {

		final List<String> names;

		JdbcClientUserReader(JdbcClient jdbcClient) {
			this.names = jdbcClient.sql("SELECT name FROM users ORDER BY name").query(String.class).list();
		}

	}

	static class AddGraceUser implements JavaMigration {

		@Override
		public String version() {
			return "4";
		}

		@Override
		public String description() {
			return "add grace";
		}

		@Override
		public void migrate(JdbcTemplate jdbc) {
			jdbc.update("INSERT INTO users (name, email) VALUES ('Grace', 'grace@example.com')");
		}

	}

	static class RecordingStartup implements ApplicationStartup {

		final List<String> steps = new CopyOnWriteArrayList<>();

		@Override
		public StartupStep start(String name) {
			this.steps.add(name);
			return ApplicationStartup.DEFAULT.start(name);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMigratorConfiguration {

		@Bean
		Migrator teamMigrator(DataSource dataSource) {
			return new Migrator(dataSource,
					MigratorSettings.builder().locations("classpath:scenarios/valid").table("team_history").build());
		}

	}

}
