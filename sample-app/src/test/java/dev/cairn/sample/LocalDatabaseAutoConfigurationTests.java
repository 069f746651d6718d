package dev.cairn.sample;

import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The tracker's database when none is configured: a local server when one answers,
 * otherwise a throw-away embedded one; a configured database always wins.
 */
@ExtendWith(OutputCaptureExtension.class)
class LocalDatabaseAutoConfigurationTests {

	/** Nothing listens on port 1 of the loopback interface. */
	private static final String CLOSED = "jdbc:postgresql://127.0.0.1:1/postgres";

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LocalDatabaseAutoConfiguration.class))
		.withPropertyValues("DATABASE_URL=", "spring.datasource.url=");

	@Test
	void startsMigratesAndFinallyDeletesAnEmbeddedDatabaseWhenNothingIsConfiguredAndNothingAnswers(
			CapturedOutput output) {
		String url;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(VegaApplication.class).run(
				"--server.port=0", "--DATABASE_URL=", "--spring.datasource.url=",
				"--vega.local-database-url=" + CLOSED)) {
			url = ((HikariDataSource) context.getBean(DataSource.class)).getJdbcUrl();
			assertThat(url).matches("jdbc:postgresql://localhost:\\d+/postgres");
			assertThat(context.getBean(JdbcClient.class)
				.sql("SELECT script FROM cairn_history ORDER BY installed_rank")
				.query(String.class)
				.list()).containsExactly("001_initial_postgres.sql", "002_scan_lifecycle_columns.sql",
						"003_runner_jobs_idempotency.sql", "004_findings_columns.sql",
						"005_operational_state_columns.sql", "006_findings_severity_index.sql");
			assertThat(output).contains("Vega is running on an EMBEDDED, THROW-AWAY PostgreSQL at " + url,
					"No database is configured and nothing answers at " + CLOSED + ".",
					"Everything stored in it is deleted when the application stops.",
					"DATABASE_URL=postgresql://user:password@host:5432/database (or spring.datasource.url).");
		}
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> DriverManager.getConnection(url, "postgres", ""))
			.withMessageContaining("refused");
	}

	@Test
	void usesTheLocalServerWhenOneAnswers() {
		URI server = URI.create(database.url().substring("jdbc:".length()));
		String local = "jdbc:postgresql://" + server.getHost() + ":" + server.getPort() + "/postgres";
		this.runner.withPropertyValues("vega.local-database-url=" + local).run((context) -> {
			JdbcConnectionDetails details = context.getBean(JdbcConnectionDetails.class);
			assertThat(details.getJdbcUrl()).isEqualTo(local);
			assertThat(details.getUsername()).isEqualTo("postgres");
		});
	}

	@Test
	void backsOffWhenSpringDatasourceUrlIsSet() {
		this.runner.withPropertyValues("spring.datasource.url=" + CLOSED, "vega.local-database-url=" + CLOSED)
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcConnectionDetails.class));
	}

	@Test
	void backsOffWhenDatabaseUrlIsSet(CapturedOutput output) {
		this.runner
			.withPropertyValues("DATABASE_URL=postgresql://vega@127.0.0.1:1/vega", "vega.local-database-url=" + CLOSED)
			.run((context) -> assertThat(context).doesNotHaveBean(JdbcConnectionDetails.class));
		assertThat(output).doesNotContain("EMBEDDED");
	}

}
