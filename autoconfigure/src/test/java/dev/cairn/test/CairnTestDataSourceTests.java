package dev.cairn.test;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which {@link JdbcConnectionDetails} bean names the server for test databases.
 */
class CairnTestDataSourceTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://app.example.com:5432/app",
				"spring.datasource.username=app");

	@Test
	void passesOverTheDetailsBootDerivesFromSpringDatasource() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(JdbcConnectionDetails.class);
			assertThat(CairnTestDataSource.connectionDetails(context.getBeanFactory())).isNull();
		});
	}

	@Test
	void takesAPostgresqlBeanOfTheContextWithItsCredentials() {
		this.contextRunner
			.withBean("postgresContainer", JdbcConnectionDetails.class,
					() -> new Details("jdbc:postgresql://localhost:32768/test?loggerLevel=OFF", "test", "s3cret&"))
			.run((context) -> assertThat(CairnTestDataSource.connectionDetails(context.getBeanFactory()))
				.isEqualTo(new TestServer("the JdbcConnectionDetails bean 'postgresContainer'",
						"jdbc:postgresql://localhost:32768/test?loggerLevel=OFF&user=test&password=s3cret%26")));
	}

	@Test
	void passesOverADatabaseThatIsNotPostgresql() {
		// Without DataSourceAutoConfiguration, which would need MySQL's driver.
		new ApplicationContextRunner()
			.withBean("mysql", JdbcConnectionDetails.class, () -> new Details("jdbc:mysql://localhost/test", "u", "p"))
			.run((context) -> assertThat(CairnTestDataSource.connectionDetails(context.getBeanFactory())).isNull());
	}

	record Details(String getJdbcUrl, String getUsername, String getPassword) implements JdbcConnectionDetails {

	}

}
