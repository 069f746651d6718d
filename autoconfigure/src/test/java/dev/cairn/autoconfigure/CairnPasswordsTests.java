package dev.cairn.autoconfigure;

import dev.cairn.test.PrivateCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real passwords: a private cluster that checks them with {@code scram-sha-256} proves
 * that Cairn migrates with {@code cairn.password}, {@code spring.datasource.password} or
 * the password in {@code DATABASE_URL}, each where it applies, and that a wrong one fails
 * startup naming the user it was refused for.
 */
@Tag("slow")
class CairnPasswordsTests {

	private static PrivateCluster cluster;

	private ApplicationContextRunner contextRunner;

	@BeforeAll
	static void startCluster() {
		cluster = PrivateCluster.withPasswords("superuser-secret");
		cluster.execute("postgres", "CREATE ROLE vega_ddl LOGIN PASSWORD 'ddl-secret'",
				"CREATE ROLE vega_app LOGIN PASSWORD 'app-secret'");
	}

	@AfterAll
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	@BeforeEach
	void freshDatabase() {
		cluster.execute("postgres", "DROP DATABASE IF EXISTS vega WITH (FORCE)", "CREATE DATABASE vega OWNER vega_ddl");
		cluster.execute("vega", "GRANT USAGE ON SCHEMA public TO vega_app", "ALTER DEFAULT PRIVILEGES FOR ROLE "
				+ "vega_ddl IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO vega_app");
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, CairnAutoConfiguration.class))
			.withPropertyValues("cairn.locations=classpath:scenarios/valid");
	}

	@Test
	void migratesWithCairnPasswordWhileTheApplicationUsesItsOwn() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + cluster.url("vega"), "spring.datasource.username=vega_app",
					"spring.datasource.password=app-secret", "cairn.user=vega_ddl", "cairn.password=ddl-secret")
			.run((context) -> {
				assertMigratedBy(context, "vega_ddl");
				assertThat(context.getBean(JdbcTemplate.class).queryForObject("SELECT current_user", String.class))
					.isEqualTo("vega_app");
			});
	}

	@Test
	void aWrongCairnPasswordFailsStartupNamingTheMigrationUser() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + cluster.url("vega"), "spring.datasource.username=vega_app",
					"spring.datasource.password=app-secret", "cairn.user=vega_ddl", "cairn.password=wrong")
			.run((context) -> assertRefused(context, "vega_ddl"));
	}

	@Test
	void migratesWithSpringDatasourcePasswordWhenCairnHasNoUserOfItsOwn() {
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + cluster.url("vega"), "spring.datasource.username=vega_ddl",
					"spring.datasource.password=ddl-secret")
			.run((context) -> assertMigratedBy(context, "vega_ddl"));
		freshDatabase();
		this.contextRunner
			.withPropertyValues("spring.datasource.url=" + cluster.url("vega"), "spring.datasource.username=vega_ddl",
					"spring.datasource.password=wrong")
			.run((context) -> assertRefused(context, "vega_ddl"));
	}

	@Test
	void migratesWithThePasswordInDatabaseUrl() {
		String url = "postgresql://vega_ddl:%s@127.0.0.1:" + cluster.port() + "/vega";
		this.contextRunner
			.withInitializer((context) -> new DatabaseUrlEnvironmentPostProcessor(
					new org.springframework.boot.logging.DeferredLogs())
				.postProcessEnvironment(context.getEnvironment(), new org.springframework.boot.SpringApplication()))
			.withPropertyValues("DATABASE_URL=" + url.formatted("ddl-secret"))
			.run((context) -> assertMigratedBy(context, "vega_ddl"));
		freshDatabase();
		this.contextRunner
			.withInitializer((context) -> new DatabaseUrlEnvironmentPostProcessor(
					new org.springframework.boot.logging.DeferredLogs())
				.postProcessEnvironment(context.getEnvironment(), new org.springframework.boot.SpringApplication()))
			.withPropertyValues("DATABASE_URL=" + url.formatted("wrong"))
			.run((context) -> assertRefused(context, "vega_ddl"));
	}

	private static void assertMigratedBy(AssertableApplicationContext context, String user) {
		assertThat(context).hasNotFailed();
		JdbcTemplate superuser = new JdbcTemplate(new org.springframework.jdbc.datasource.DriverManagerDataSource(
				cluster.url("vega"), "postgres", "superuser-secret"));
		assertThat(superuser.queryForList("SELECT DISTINCT installed_by FROM cairn_history", String.class))
			.containsExactly(user);
		assertThat(superuser.queryForObject("SELECT tableowner FROM pg_tables WHERE tablename = 'users'", String.class))
			.isEqualTo(user);
	}

	private static void assertRefused(AssertableApplicationContext context, String user) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append("\n");
		}
		assertThat(failure).rootCause().hasMessage("FATAL: password authentication failed for user \"" + user + "\"");
		assertThat(messages).contains("MigrationException: Migration run against the database failed: FATAL: password "
				+ "authentication failed for user \"" + user + "\" (SQLSTATE 28P01). Nothing was applied. The server "
				+ "refused the password: check cairn.password when cairn.user is set, otherwise the application's "
				+ "(spring.datasource.password, or the password in DATABASE_URL).\n");
		JdbcTemplate superuser = new JdbcTemplate(new org.springframework.jdbc.datasource.DriverManagerDataSource(
				cluster.url("vega"), "postgres", "superuser-secret"));
		assertThat(superuser.queryForObject("SELECT to_regclass('cairn_history') IS NULL", Boolean.class)).isTrue();
	}

}
