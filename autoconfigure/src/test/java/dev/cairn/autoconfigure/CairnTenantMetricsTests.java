package dev.cairn.autoconfigure;

import dev.cairn.test.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant metrics on real PostgreSQL: tagged with the tenant for a fleet within
 * {@code cairn.tenants.metrics-tag-limit}, untagged above it, the main schema's meters
 * never.
 */
class CairnTenantMetricsTests {

	private TestDatabase database;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void createDatabase() {
		this.database = new TestDatabase().create(getClass().getSimpleName());
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CairnAutoConfiguration.class,
					CairnTenantAutoConfiguration.class))
			.withUserConfiguration(MeterRegistryConfiguration.class)
			.withPropertyValues(TestDatabaseProperties.of("spring.datasource", this.database))
			.withPropertyValues("cairn.locations=classpath:scenarios/tenants/main",
					"cairn.tenants.locations=classpath:scenarios/tenants/fleet",
					"cairn.tenants.schemas=acme,globex,initech");
	}

	@AfterEach
	void dropDatabase() {
		this.database.drop();
	}

	@Test
	void tagsTenantMetricsWithTheTenantWhenTheFleetIsWithinTheLimit() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (String tenant : new String[] { "acme", "globex", "initech" }) {
				assertThat(registry.get("cairn.tenant.migrate")
					.tag("tenant", tenant)
					.tag("outcome", "success")
					.timer()
					.count()).isEqualTo(1);
				assertThat(
						registry.get("cairn.tenant.migration").tag("tenant", tenant).tag("type", "SQL").timer().count())
					.isEqualTo(3);
			}
			assertThat(registry.get("cairn.migrate").timers()).extracting((timer) -> timer.getId().getTag("tenant"))
				.containsOnlyNulls();
			assertThat(registry.get("cairn.migration").timer().count()).as("the main schema's one migration")
				.isEqualTo(1);
		});
	}

	@Test
	void leavesTheTenantTagOffAboveTheLimit() {
		this.contextRunner.withPropertyValues("cairn.tenants.metrics-tag-limit=2").run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Timer runs = registry.get("cairn.tenant.migrate").timer();
			assertThat(runs.getId().getTags()).extracting((tag) -> tag.getKey()).containsExactly("outcome");
			assertThat(runs.count()).isEqualTo(3);
			assertThat(registry.get("cairn.tenant.migration").timers()).singleElement()
				.satisfies((timer) -> assertThat(timer.count()).isEqualTo(9));
			assertThat(registry.find("cairn.tenant.migrate").tagKeys("tenant").timers()).isEmpty();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class MeterRegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
