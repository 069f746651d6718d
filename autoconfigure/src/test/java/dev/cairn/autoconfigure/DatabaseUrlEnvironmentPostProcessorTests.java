package dev.cairn.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DatabaseUrlEnvironmentPostProcessor}.
 */
class DatabaseUrlEnvironmentPostProcessorTests {

	private final DatabaseUrlEnvironmentPostProcessor postProcessor = new DatabaseUrlEnvironmentPostProcessor(
			new DeferredLogs());

	@Test
	void mapsALibpqUri() {
		MockEnvironment environment = process("postgresql://vega:s3cret@db.internal:6543/vega?sslmode=require");
		assertThat(environment.getProperty("spring.datasource.url"))
			.isEqualTo("jdbc:postgresql://db.internal:6543/vega?sslmode=require");
		assertThat(environment.getProperty("spring.datasource.username")).isEqualTo("vega");
		assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("s3cret");
	}

	@Test
	void acceptsThePostgresSchemeAndDefaultsThePort() {
		MockEnvironment environment = process("postgres://vega@localhost/vega");
		assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://localhost:5432/vega");
		assertThat(environment.getProperty("spring.datasource.username")).isEqualTo("vega");
		assertThat(environment.containsProperty("spring.datasource.password")).isFalse();
	}

	@Test
	void percentDecodesUserAndPassword() {
		MockEnvironment environment = process("postgresql://app%40corp:p%40ss%3Aw%2Frd%25@db:5432/app");
		assertThat(environment.getProperty("spring.datasource.username")).isEqualTo("app@corp");
		assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("p@ss:w/rd%");
	}

	@Test
	void keepsQueryParametersAndTranslatesLibpqSpellings() {
		MockEnvironment environment = process(
				"postgresql://u:p@db/app?sslmode=verify-full&connect_timeout=10&application_name=vega");
		assertThat(environment.getProperty("spring.datasource.url"))
			.isEqualTo("jdbc:postgresql://db:5432/app?sslmode=verify-full&connectTimeout=10&ApplicationName=vega");
	}

	@Test
	void mapsSeveralHostsAndIpv6() {
		assertThat(process("postgresql://u@db1,db2:5433/app").getProperty("spring.datasource.url"))
			.isEqualTo("jdbc:postgresql://db1:5432,db2:5433/app");
		assertThat(process("postgresql://u@[::1]:5433/app").getProperty("spring.datasource.url"))
			.isEqualTo("jdbc:postgresql://[::1]:5433/app");
	}

	@Test
	void leavesAnExplicitDatasourceUrlAlone() {
		MockEnvironment environment = new MockEnvironment().withProperty("DATABASE_URL", "postgresql://u:p@db/app")
			.withProperty("spring.datasource.url", "jdbc:postgresql://other/app");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://other/app");
		assertThat(environment.containsProperty("spring.datasource.username")).isFalse();
	}

	@Test
	void doesNothingWithoutDatabaseUrl() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().contains(DatabaseUrlEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void passesAJdbcUrlThrough() {
		assertThat(process("jdbc:postgresql://db:5432/app").getProperty("spring.datasource.url"))
			.isEqualTo("jdbc:postgresql://db:5432/app");
	}

	@Test
	void ignoresOtherDatabases() {
		MockEnvironment environment = process("mysql://u:p@db/app");
		assertThat(environment.containsProperty("spring.datasource.url")).isFalse();
	}

	@Test
	void ranksBelowEnvironmentVariablesAndAboveApplicationProperties() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
							Map.of("DATABASE_URL", "postgresql://env:envpass@db/app", "SPRING_DATASOURCE_PASSWORD",
									"override")));
		environment.getPropertySources()
			.addLast(new MapPropertySource("application.properties", Map.of("spring.datasource.username", "fromfile")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://db:5432/app");
		assertThat(environment.getProperty("spring.datasource.username")).isEqualTo("env");
		assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("override");
	}

	@Test
	void failsOnAMalformedUriWithoutShowingThePassword() {
		assertThatIllegalStateException().isThrownBy(() -> process("postgresql://u:topsecret@db:54x2/app"))
			.withMessageContaining("DATABASE_URL is not a valid PostgreSQL connection URI")
			.withMessageContaining("expected postgresql://user:password@host:5432/database")
			.withMessageNotContaining("topsecret");
		assertThatIllegalStateException().isThrownBy(() -> process("postgresql://u:topsecret@/app"))
			.withMessageContaining("names no host")
			.withMessageNotContaining("topsecret");
		assertThatIllegalStateException().isThrownBy(() -> process("postgresql://u:top%zzsecret@db/app"))
			.withMessageContaining("password")
			.withMessageNotContaining("secret");
		assertThatIllegalStateException().isThrownBy(() -> process("db.internal:5432/app"))
			.withMessageContaining("DATABASE_URL");
	}

	private MockEnvironment process(String databaseUrl) {
		MockEnvironment environment = new MockEnvironment().withProperty("DATABASE_URL", databaseUrl);
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

}
