package dev.cairn.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.cairn.actuate.CairnHealthIndicator;
import dev.cairn.actuate.MigrationsEndpoint;

import dev.cairn.core.MigrationException;
import dev.cairn.core.TenantDatabases;
import dev.cairn.core.TenantMigrations;
import dev.cairn.core.TenantRun;
import dev.cairn.core.TenantShard;
import dev.cairn.core.TenantSource;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CairnTenantAutoConfiguration}: tenants listed in properties, found by
 * a query or by a bean, migrated on startup after the main schema.
 */
class CairnTenantAutoConfigurationTests {

	private final JsonMapper json = JsonMapper.builder().build();

	private TestDatabase database;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void createDatabase() {
		this.database = new TestDatabase().create(getClass().getSimpleName());
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CairnAutoConfiguration.class,
					CairnTenantAutoConfiguration.class))
			.withPropertyValues(TestDatabaseProperties.of("spring.datasource", this.database))
			.withPropertyValues("cairn.locations=classpath:scenarios/tenants/main",
					"cairn.tenants.locations=classpath:scenarios/tenants/fleet");
	}

	@AfterEach
	void dropDatabase() {
		this.database.drop();
	}

	@Test
	void backsOffWithoutTenants() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(TenantMigrations.class));
	}

	@Test
	void migratesTheListedSchemasOnStartupAfterTheMainSchema() {
		this.contextRunner.withPropertyValues("cairn.tenants.schemas=acme,globex").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(TenantMigrations.class);
			assertThat(history("public")).containsExactly("1");
			assertThat(history("acme")).containsExactly("1", "2", "3");
			assertThat(history("globex")).containsExactly("1", "2", "3");
			assertThat(context.getBean(TenantMigrations.class).settings().parallelism())
				.as("half of Hikari's default pool of 10, capped at 4")
				.isEqualTo(4);
		});
	}

	@Test
	void findsTenantsWithAQueryOnTheMigratedMainSchema() {
		this.contextRunner
			.withPropertyValues("cairn.tenants.query=SELECT schema_name FROM tenants WHERE schema_name <> 'initech'")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TenantMigrations.class).runs()).extracting(TenantRun::tenant)
					.containsExactly("acme", "globex");
				assertThat(schemas()).contains("acme", "globex").doesNotContain("initech");
			});
	}

	@Test
	void usesATenantSourceBean() {
		this.contextRunner.withUserConfiguration(TenantSourceConfiguration.class)
			.run((context) -> assertThat(history("from_bean")).containsExactly("1", "2", "3"));
	}

	@Test
	void failsStartupNamingTheFailedTenantWithItsError() {
		new JdbcTemplate(this.database.dataSource())
			.execute("CREATE SCHEMA globex; CREATE TABLE globex.audit (id bigint)");
		this.contextRunner
			.withPropertyValues("cairn.tenants.schemas=acme,globex,initech", "cairn.tenants.on-error=continue")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
				assertThat(cause).isInstanceOf(MigrationException.class).hasMessage("""
						1 of 3 tenants failed to migrate (cairn.tenants.on-error=continue):
						- globex: Migration 002_orders.sql failed at line 2, column 1: relation "audit" already \
						exists (SQLSTATE 42P07)
						     2 | CREATE TABLE audit (id bigint PRIMARY KEY);
						       | ^
						  Nothing from this migration was applied; the 1 migration(s) applied before it in this \
						run stay applied. Fix the file and restart.
						Fix what failed and restart: each tenant resumes where it stopped, and the 2 that \
						succeeded are left as they are.""");
				assertThat(history("initech")).containsExactly("1", "2", "3");
			});
	}

	@Test
	void validateModeFailsStartupNamingTenantsWithPendingMigrations() {
		this.contextRunner.withPropertyValues("cairn.tenants.schemas=acme")
			.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withPropertyValues("cairn.tenants.schemas=acme,globex,initech", "cairn.mode=validate")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessage("2 tenants have pending migrations and cairn.mode=validate does not apply them: globex, "
						+ "initech. Run the migrations first (for example with cairn.command=migrate in the job that "
						+ "deploys the schema), then start this instance again."));
	}

	@Test
	void continueAndStartStartsWithTheFailedTenantRecorded() {
		new JdbcTemplate(this.database.dataSource())
			.execute("CREATE SCHEMA globex; CREATE TABLE globex.audit (id bigint)");
		this.contextRunner
			.withPropertyValues("cairn.tenants.schemas=acme,globex", "cairn.tenants.on-error=continue-and-start")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TenantMigrations.class).run("globex").state())
					.isEqualTo(TenantRun.State.FAILED);
			});
	}

	@Test
	void takesItsShardFromTheJobCompletionIndex() {
		List<String> tenants = List.of("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8");
		this.contextRunner
			.withPropertyValues("cairn.tenants.schemas=" + String.join(",", tenants), "cairn.tenants.shards=3",
					"JOB_COMPLETION_INDEX=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				List<String> mine = tenants.stream().filter((t) -> TenantShard.of(t, 3) == 2).toList();
				assertThat(mine).isNotEmpty();
				assertThat(context.getBean(TenantMigrations.class).tenants()).isEqualTo(mine);
				assertThat(schemas()).containsAll(mine);
				assertThat(schemas())
					.doesNotContainAnyElementsOf(tenants.stream().filter((t) -> !mine.contains(t)).toList());
			});
	}

	@Test
	void failsStartupWhenShardsHasNoJobCompletionIndex() {
		this.contextRunner.withPropertyValues("cairn.tenants.schemas=acme", "cairn.tenants.shards=3")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessage("cairn.tenants.shards is 3 but JOB_COMPLETION_INDEX is not set, so this machine does not "
						+ "know its shard. Run it in a Kubernetes Job with completionMode: Indexed, or set "
						+ "cairn.tenants.shard=K/N."));
	}

	@Test
	void keepsTheDefaultParallelismToWhatASmallPoolCarries() {
		this.contextRunner
			.withPropertyValues("cairn.tenants.schemas=acme", "spring.datasource.hikari.maximum-pool-size=5")
			.run((context) -> assertThat(context.getBean(TenantMigrations.class).settings().parallelism())
				.isEqualTo(2));
	}

	@Test
	void showsTheFleetAtTheEndpointAndInHealth() {
		new JdbcTemplate(this.database.dataSource())
			.execute("CREATE SCHEMA globex; CREATE TABLE globex.audit (id bigint)");
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(CairnEndpointAutoConfiguration.class,
					CairnHealthContributorAutoConfiguration.class))
			.withPropertyValues("cairn.tenants.schemas=acme,globex,initech",
					"cairn.tenants.on-error=continue-and-start", "management.endpoints.web.exposure.include=migrations")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MigrationsEndpoint endpoint = context.getBean(MigrationsEndpoint.class);
				JsonNode tenants = this.json.valueToTree(endpoint.migrations()).get("tenants");
				assertThat(tenants.propertyNames()).containsExactly("count", "states", "failed", "slowest");
				assertThat(tenants.get("count").asInt()).isEqualTo(3);
				assertThat(this.json.writeValueAsString(tenants.get("states")))
					.isEqualTo("{\"UP_TO_DATE\":0,\"MIGRATED\":2,\"PENDING\":0,\"FAILED\":1,\"NOT_STARTED\":0}");
				JsonNode failed = tenants.get("failed").get(0);
				assertThat(failed.get("name").asString()).isEqualTo("globex");
				assertThat(failed.get("error").get("script").asString()).isEqualTo("002_orders.sql");
				assertThat(failed.get("error").get("line").asInt()).isEqualTo(2);
				assertThat(failed.get("error").get("sqlState").asString()).isEqualTo("42P07");
				assertThat(tenants.get("slowest")).hasSize(3);
				assertThat(tenants.get("slowest").get(0).propertyNames()).containsExactly("name", "durationMs",
						"applied");
				JsonNode acme = this.json.valueToTree(endpoint.tenant("tenants", "acme"));
				assertThat(acme.propertyNames()).containsExactly("name", "state", "currentVersion", "applied",
						"startedAt", "durationMs", "error", "summary", "migrations");
				assertThat(acme.get("state").asString()).isEqualTo("MIGRATED");
				assertThat(acme.get("currentVersion").asString()).isEqualTo("3");
				assertThat(acme.get("migrations")).extracting((m) -> m.get("state").asString())
					.containsExactly("APPLIED", "APPLIED", "APPLIED");
				JsonNode globex = this.json.valueToTree(endpoint.tenant("tenants", "globex"));
				assertThat(globex.get("state").asString()).isEqualTo("FAILED");
				assertThat(globex.get("migrations")).extracting((m) -> m.get("state").asString())
					.containsExactly("APPLIED", "PENDING", "PENDING");
				assertThat(endpoint.tenant("tenants", "nobody")).isNull();
				assertThat(endpoint.tenant("other", "acme")).isNull();
				Health health = context.getBean(CairnHealthIndicator.class).health(true);
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("tenants", 3)
					.containsEntry("failedTenants",
							Map.of("globex", endpoint.migrations().tenants().failed().get(0).error().message()));
			});
	}

	@Test
	void migratesTenantDatabasesListedByTheQueryCreatingTheMissingOneAndShowsThemAtTheEndpoint() {
		String prefix = "h14_" + UUID.randomUUID().toString().substring(0, 8) + "_";
		JdbcTemplate main = new JdbcTemplate(this.database.dataSource());
		main.execute("CREATE DATABASE " + prefix + "acme");
		main.execute("CREATE DATABASE " + prefix + "globex");
		String query = "SELECT replace('" + this.database.url() + "', '" + this.database.name() + "', '" + prefix
				+ "' || schema_name) FROM tenants ORDER BY schema_name";
		try {
			this.contextRunner.withConfiguration(AutoConfigurations.of(CairnEndpointAutoConfiguration.class))
				.withPropertyValues("cairn.tenants.query=" + query,
						"management.endpoints.web.exposure.include=migrations")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					List<String> names = List.of(prefix + "acme", prefix + "globex", prefix + "initech");
					for (String name : names) {
						assertThat(new JdbcTemplate(
								TenantDatabases.withCredentials(this.database.username(), this.database.password())
									.dataSource(this.database.url().replace(this.database.name(), name)))
							.queryForList("SELECT version FROM cairn_history ORDER BY installed_rank", String.class))
							.as(name)
							.containsExactly("1", "2", "3");
					}
					assertThat(schemas()).doesNotContain("acme", "globex", "initech");
					MigrationsEndpoint endpoint = context.getBean(MigrationsEndpoint.class);
					JsonNode tenants = this.json.valueToTree(endpoint.migrations()).get("tenants");
					assertThat(tenants.get("count").asInt()).isEqualTo(3);
					assertThat(tenants.get("states").get("MIGRATED").asInt()).isEqualTo(3);
					JsonNode initech = this.json.valueToTree(endpoint.tenant("tenants", prefix + "initech"));
					assertThat(initech.get("state").asString()).isEqualTo("MIGRATED");
					assertThat(initech.get("currentVersion").asString()).isEqualTo("3");
				});
		}
		finally {
			for (String name : List.of("acme", "globex", "initech")) {
				main.execute("DROP DATABASE IF EXISTS " + prefix + name + " WITH (FORCE)");
			}
		}
	}

	@Test
	void createsAMissingTenantDatabaseAsACopyOfCairnTenantsTemplateDatabase() {
		String prefix = "h14_" + UUID.randomUUID().toString().substring(0, 8) + "_";
		JdbcTemplate main = new JdbcTemplate(this.database.dataSource());
		main.execute("CREATE DATABASE " + prefix + "template");
		TenantDatabases databases = TenantDatabases.withCredentials(this.database.username(), this.database.password());
		String templateUrl = this.database.url().replace(this.database.name(), prefix + "template");
		try {
			new JdbcTemplate(databases.dataSource(templateUrl)).execute("CREATE TABLE made_in_the_template (id int)");
			String query = "SELECT replace('" + this.database.url() + "', '" + this.database.name() + "', '" + prefix
					+ "acme')";
			this.contextRunner
				.withPropertyValues("cairn.tenants.query=" + query,
						"cairn.tenants.template-database=" + prefix + "template")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					JdbcTemplate acme = new JdbcTemplate(
							databases.dataSource(this.database.url().replace(this.database.name(), prefix + "acme")));
					assertThat(acme.queryForObject("SELECT to_regclass('made_in_the_template') IS NOT NULL",
							Boolean.class))
						.as("a copy of the template")
						.isTrue();
					assertThat(acme.queryForList("SELECT version FROM cairn_history ORDER BY installed_rank",
							String.class))
						.containsExactly("1", "2", "3");
				});
		}
		finally {
			for (String name : List.of("acme", "template")) {
				main.execute("DROP DATABASE IF EXISTS " + prefix + name + " WITH (FORCE)");
			}
		}
	}

	private List<String> history(String schema) {
		return new JdbcTemplate(this.database.dataSource())
			.queryForList("SELECT version FROM " + schema + ".cairn_history ORDER BY installed_rank", String.class);
	}

	private List<String> schemas() {
		return new JdbcTemplate(this.database.dataSource()).queryForList("SELECT nspname::text FROM pg_namespace",
				String.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class TenantSourceConfiguration {

		@Bean
		TenantSource tenantSource() {
			return () -> List.of("from_bean");
		}

	}

}
