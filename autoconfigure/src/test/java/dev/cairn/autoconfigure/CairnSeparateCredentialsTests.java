package dev.cairn.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Migrations run as a role that may change the schema while the application connects as a
 * role that may only read and write rows. Roles are cluster-wide, so they get unique
 * names and are dropped afterwards.
 */
class CairnSeparateCredentialsTests {

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);

	private static final String DDL_ROLE = "cairn_ddl_" + SUFFIX;

	private static final String APP_ROLE = "cairn_app_" + SUFFIX;

	private ApplicationContextRunner contextRunner;

	@BeforeAll
	static void createRoles() throws SQLException {
		execute("CREATE ROLE " + DDL_ROLE + " LOGIN PASSWORD 'ddl'",
				"CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD 'app'");
	}

	@AfterAll
	static void dropRoles() throws SQLException {
		// One role per DROP OWNED: naming both at once trips over the default ACL that
		// links them.
		execute("DROP OWNED BY " + APP_ROLE, "DROP OWNED BY " + DDL_ROLE, "DROP ROLE " + APP_ROLE,
				"DROP ROLE " + DDL_ROLE);
	}

	@BeforeEach
	void grantPrivileges() throws SQLException {
		execute("GRANT CREATE, USAGE ON SCHEMA public TO " + DDL_ROLE, "GRANT USAGE ON SCHEMA public TO " + APP_ROLE,
				"ALTER DEFAULT PRIVILEGES FOR ROLE " + DDL_ROLE + " IN SCHEMA public"
						+ " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + APP_ROLE,
				"ALTER DEFAULT PRIVILEGES FOR ROLE " + DDL_ROLE + " IN SCHEMA public" + " GRANT USAGE ON SEQUENCES TO "
						+ APP_ROLE);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					JdbcTemplateAutoConfiguration.class, CairnAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + database.url(), "spring.datasource.username=" + APP_ROLE,
					"spring.datasource.password=app", "cairn.locations=classpath:scenarios/valid");
	}

	@AfterEach
	void dropObjects() throws SQLException {
		execute("DROP OWNED BY " + APP_ROLE, "DROP OWNED BY " + DDL_ROLE);
	}

	@Test
	void migratesAsTheUserInCairnUserWhileTheApplicationOnlyReadsAndWritesRows() {
		this.contextRunner.withPropertyValues("cairn.user=" + DDL_ROLE, "cairn.password=ddl")
			.run(this::assertMigratedByDdlRoleAndUsableByAppRole);
	}

	@Test
	void migratesThroughCairnUrl() {
		this.contextRunner
			.withPropertyValues("cairn.url=" + database.url(), "cairn.user=" + DDL_ROLE, "cairn.password=ddl")
			.run(this::assertMigratedByDdlRoleAndUsableByAppRole);
	}

	@Test
	void migratesThroughADataSourceQualifiedCairnDataSource() {
		this.contextRunner.withUserConfiguration(CairnDataSourceConfiguration.class)
			.run(this::assertMigratedByDdlRoleAndUsableByAppRole);
	}

	@Test
	void applicationUserAloneCannotMigrate() throws SQLException {
		this.contextRunner.run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof MigrationException)) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOf(MigrationException.class)
				.hasMessage("Migration run against the database failed: ERROR: permission denied for schema "
						+ "public (SQLSTATE 42501). The migration user lacks a privilege it needs "
						+ "for cairn_history: run migrations as a role that may create tables in its schema (cairn.user "
						+ "and cairn.password; an application's own user often may only read and write rows), or grant "
						+ "the privilege, then restart.");
		});
		try (Connection connection = database.connect();
				Statement statement = connection.createStatement();
				java.sql.ResultSet result = statement
					.executeQuery("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")) {
			result.next();
			assertThat(result.getInt(1)).as("nothing was created in public").isZero();
		}
	}

	private void assertMigratedByDdlRoleAndUsableByAppRole(
			org.springframework.boot.test.context.assertj.AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		assertThat(context.getBean(MigrationSnapshot.class).status().migrations())
			.extracting(MigrationInfo::installedBy)
			.containsOnly(DDL_ROLE);
		JdbcTemplate app = context.getBean(JdbcTemplate.class);
		assertThat(app.queryForObject("SELECT current_user", String.class)).isEqualTo(APP_ROLE);
		assertThat(app.queryForObject("SELECT tableowner FROM pg_tables WHERE tablename = 'users'", String.class))
			.isEqualTo(DDL_ROLE);
		app.update("INSERT INTO users (name, email) VALUES ('Lyra', 'lyra@example.com')");
		assertThat(app.queryForList("SELECT name FROM users ORDER BY name", String.class)).containsExactly("Ada",
				"Lyra", "O'Brien; the second");
		assertThatExceptionOfType(BadSqlGrammarException.class)
			.isThrownBy(() -> app.execute("CREATE TABLE intruder (id int)"))
			.havingCause()
			.withMessageContaining("permission denied for schema public");
	}

	private static void execute(String... statements) throws SQLException {
		try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class CairnDataSourceConfiguration {

		@Bean(defaultCandidate = false)
		@CairnDataSource
		DataSource ddlDataSource() {
			PGSimpleDataSource dataSource = new PGSimpleDataSource();
			dataSource.setUrl(database.url());
			dataSource.setUser(DDL_ROLE);
			dataSource.setPassword("ddl");
			return dataSource;
		}

	}

}
