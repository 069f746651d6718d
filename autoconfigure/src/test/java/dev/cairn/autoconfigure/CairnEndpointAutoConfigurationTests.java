package dev.cairn.autoconfigure;

import dev.cairn.actuate.CairnHealthIndicator;
import dev.cairn.actuate.MigrationsEndpoint;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CairnEndpointAutoConfiguration} and
 * {@link CairnHealthContributorAutoConfiguration}.
 */
class CairnEndpointAutoConfigurationTests {

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CairnAutoConfiguration.class,
				CairnEndpointAutoConfiguration.class, CairnHealthContributorAutoConfiguration.class))
		.withBean("dataSource", javax.sql.DataSource.class, database::dataSource)
		.withPropertyValues("cairn.locations=classpath:scenarios/valid");

	@Test
	void endpointExistsOnlyWhenExposed() {
		this.contextRunner
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(MigrationsEndpoint.class));
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=migrations")
			.run((context) -> assertThat(context).hasSingleBean(MigrationsEndpoint.class));
	}

	@Test
	void endpointIsGoneWithAccessNone() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=migrations",
					"management.endpoint.migrations.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(MigrationsEndpoint.class));
	}

	@Test
	void endpointBacksOffWhenCairnIsDisabled() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=migrations", "cairn.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MigrationsEndpoint.class)
				.doesNotHaveBean(CairnHealthIndicator.class));
	}

	@Test
	void runsWithoutActuatorOnTheClassPath() {
		this.contextRunner
			.withClassLoader(new FilteredClassLoader(Endpoint.class, ConditionalOnAvailableEndpoint.class,
					HealthIndicator.class))
			.withPropertyValues("management.endpoints.web.exposure.include=migrations")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(MigrationInitializer.class)
				.doesNotHaveBean(MigrationsEndpoint.class)
				.doesNotHaveBean(CairnHealthIndicator.class));
	}

	@Test
	void healthIndicatorReportsTheRun() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("cairnHealthIndicator");
			var health = context.getBean(CairnHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("currentVersion", "3").containsEntry("pending", 0);
		});
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.cairn.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CairnHealthIndicator.class));
	}

}
