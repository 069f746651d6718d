package dev.cairn.core;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.core.TenantRun.State;
import dev.cairn.core.TenantSettings.OnError;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Database-per-tenant on real PostgreSQL: tenants listed by JDBC URL, each migrated in
 * its own database with its history table there, one created on demand when missing.
 */
class TenantDatabasesTests {

	private static final String FLEET = "classpath:scenarios/tenants/fleet";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final String prefix = "h14_" + UUID.randomUUID().toString().substring(0, 8) + "_";

	@AfterEach
	void dropTenantDatabases() {
		for (String name : List.of("acme", "globex", "initech", "template")) {
			admin("DROP DATABASE IF EXISTS " + this.prefix + name + " WITH (FORCE)");
		}
	}

	@Test
	void migratesEachTenantInItsOwnDatabaseCreatingTheMissingOne() {
		admin("CREATE DATABASE " + this.prefix + "acme");
		admin("CREATE DATABASE " + this.prefix + "globex");
		List<String> urls = List.of(url("acme"), url("globex"), url("initech"));
		TenantMigrations fleet = fleet(urls);
		assertThat(fleet.tenants()).containsExactly(this.prefix + "acme", this.prefix + "globex",
				this.prefix + "initech");
		assertThat(databases()).doesNotContain(this.prefix + "initech");

		MigrateResult signedUp = fleet.migrate(url("initech"));
		assertThat(signedUp.applied()).hasSize(3);
		assertThat(databases()).contains(this.prefix + "initech");

		FleetResult result = fleet.migrateAll();
		assertThat(result.tenants()).extracting(TenantRun::tenant, TenantRun::state)
			.containsExactly(tuple(this.prefix + "acme", State.MIGRATED), tuple(this.prefix + "globex", State.MIGRATED),
					tuple(this.prefix + "initech", State.UP_TO_DATE));
		for (String name : List.of("acme", "globex", "initech")) {
			JdbcTemplate tenant = jdbc(name);
			assertThat(tenant.queryForList("SELECT version FROM public.cairn_history ORDER BY installed_rank",
					String.class))
				.as(name)
				.containsExactly("1", "2", "3");
			assertThat(tenant.queryForObject("SELECT name FROM public.accounts", String.class)).isEqualTo("first");
		}
		assertThat(new JdbcTemplate(this.database.dataSource())
			.queryForList("SELECT table_name::text FROM information_schema.tables WHERE table_schema NOT IN "
					+ "('pg_catalog', 'information_schema')", String.class))
			.as("nothing in the main database")
			.isEmpty();
		assertThat(fleet.migrateAll().count(State.UP_TO_DATE)).isEqualTo(3);
		assertThat(fleet.migrator(this.prefix + "globex").status().current()).isEqualTo("3");
	}

	@Test
	void saysWhatToDoWhenTheUserMayNotCreateTheMissingDatabase() {
		String role = this.prefix + "no_createdb";
		admin("CREATE ROLE " + role + " LOGIN PASSWORD 'h14-secret'");
		try {
			TenantMigrations fleet = new TenantMigrations(this.database.dataSource(), MigratorSettings.defaults(),
					new TenantSettings(List.of(FLEET), 1, OnError.FAIL, null), TenantSource.of(List.of()),
					TenantDatabases.withCredentials(role, "h14-secret"), TenantListeners.NONE);
			assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> fleet.migrate(url("acme")))
				.withMessage("Could not create the database of tenant " + this.prefix
						+ "acme: ERROR: permission denied "
						+ "to create database (SQLSTATE 42501). Nothing was applied. Create it yourself (CREATE "
						+ "DATABASE \"" + this.prefix + "acme\"), or give the migration user the CREATEDB privilege.");
			assertThat(databases()).doesNotContain(this.prefix + "acme");
		}
		finally {
			admin("DROP ROLE " + role);
		}
	}

	@Test
	void aNewTenantDatabaseIsACopyOfTheTemplateAndRunsOnlyWhatIsNewer() {
		// The template is itself a tenant, here two migrations behind the files' three.
		new TenantMigrations(this.database.dataSource(), MigratorSettings.builder().target("2").build(),
				new TenantSettings(List.of(FLEET), 1, OnError.FAIL, null), TenantSource.of(List.of()),
				TenantDatabases.withCredentials(this.database.username(), this.database.password()),
				TenantListeners.NONE)
			.migrate(url("template"));
		TenantMigrations fleet = new TenantMigrations(this.database.dataSource(), MigratorSettings.defaults(),
				new TenantSettings(List.of(FLEET), 1, OnError.FAIL, null), TenantSource.of(List.of()),
				TenantDatabases.withCredentials(this.database.username(), this.database.password())
					.clonedFrom(this.prefix + "template"),
				TenantListeners.NONE);
		MigrateResult signedUp = fleet.migrate(url("acme"));
		assertThat(signedUp.applied()).extracting(MigrateResult.Applied::script).containsExactly("003_seed.sql");
		assertThat(jdbc("acme").queryForList(
				"SELECT version || ' ' || installed_on::text FROM public.cairn_history ORDER BY installed_rank",
				String.class))
			.hasSize(3)
			.startsWith(jdbc("template")
				.queryForList("SELECT version || ' ' || installed_on::text FROM public.cairn_history ORDER BY "
						+ "installed_rank", String.class)
				.toArray(String[]::new));
		assertThat(jdbc("acme").queryForObject("SELECT name FROM public.accounts", String.class)).isEqualTo("first");
	}

	@Test
	void saysWhatToDoWhenTheTemplateIsMissingOrInUse() throws Exception {
		TenantMigrations fleet = new TenantMigrations(this.database.dataSource(), MigratorSettings.defaults(),
				new TenantSettings(List.of(FLEET), 1, OnError.FAIL, null), TenantSource.of(List.of()),
				TenantDatabases.withCredentials(this.database.username(), this.database.password())
					.clonedFrom(this.prefix + "template"),
				TenantListeners.NONE);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> fleet.migrate(url("acme")))
			.withMessage("Could not create the database of tenant " + this.prefix + "acme as a copy of " + this.prefix
					+ "template: ERROR: template database \"" + this.prefix + "template\" does not exist (SQLSTATE "
					+ "3D000). Nothing was applied. Create " + this.prefix + "template and migrate it with the tenant "
					+ "migrations (list it as a tenant), or unset cairn.tenants.template-database to create empty "
					+ "tenant databases.");
		admin("CREATE DATABASE " + this.prefix + "template");
		try (java.sql.Connection session = TenantDatabases
			.withCredentials(this.database.username(), this.database.password())
			.dataSource(url("template"))
			.getConnection()) {
			assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> fleet.migrate(url("acme")))
				.withMessage("Could not create the database of tenant " + this.prefix + "acme as a copy of "
						+ this.prefix + "template: ERROR: source database \"" + this.prefix + "template\" is being "
						+ "accessed by other users\n  Detail: There is 1 other session using the database. (SQLSTATE "
						+ "55006). Nothing was applied. A template can only be copied while no session is connected "
						+ "to it: wait for the session on " + this.prefix + "template to end (a run migrating the "
						+ "template, or a client), then retry.");
		}
		assertThat(databases()).doesNotContain(this.prefix + "acme");
	}

	@Test
	void refusesTwoTenantsOfOneName() {
		TenantMigrations fleet = fleet(List.of(url("acme"), this.prefix + "acme"));
		assertThatExceptionOfType(MigrationException.class).isThrownBy(fleet::tenants)
			.withMessage("Two tenants are named " + this.prefix + "acme: '" + url("acme") + "' and '" + this.prefix
					+ "acme'. A database tenant is named after its database; give each tenant its own name in "
					+ "cairn.tenants.schemas, cairn.tenants.query or your TenantSource.");
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> fleet(List.of("jdbc:postgresql://localhost:5432/bad-name")).tenants())
			.withMessage("Tenant 'jdbc:postgresql://localhost:5432/bad-name' names the database 'bad-name', which is "
					+ "not a name Cairn can use: use letters, digits, underscores and $ only, starting with a letter "
					+ "or underscore, at most 63 characters. Fix it in cairn.tenants.query or your TenantSource.");
	}

	@Test
	void readsTheDatabaseNameOfEveryUrlForm() {
		assertThat(Tenant.of("jdbc:postgresql://db-eu:5432/acme?sslmode=require"))
			.isEqualTo(new Tenant("acme", "jdbc:postgresql://db-eu:5432/acme?sslmode=require"));
		assertThat(Tenant.of("jdbc:postgresql:acme").name()).isEqualTo("acme");
		assertThat(Tenant.of("jdbc:postgresql://db-eu/acme").name()).isEqualTo("acme");
		assertThat(Tenant.withDatabase("jdbc:postgresql://db-eu:5432/acme?sslmode=require", "postgres"))
			.isEqualTo("jdbc:postgresql://db-eu:5432/postgres?sslmode=require");
		assertThat(Tenant.of(" acme ")).isEqualTo(new Tenant("acme", null));
	}

	private TenantMigrations fleet(List<String> tenants) {
		return new TenantMigrations(this.database.dataSource(), MigratorSettings.defaults(),
				new TenantSettings(List.of(FLEET), 2, OnError.FAIL, null), TenantSource.of(tenants),
				TenantDatabases.withCredentials(this.database.username(), this.database.password()),
				TenantListeners.NONE);
	}

	private String url(String name) {
		return Tenant.withDatabase(this.database.url(), this.prefix + name);
	}

	private JdbcTemplate jdbc(String name) {
		return new JdbcTemplate(TenantDatabases.withCredentials(this.database.username(), this.database.password())
			.dataSource(url(name)));
	}

	private List<String> databases() {
		return new JdbcTemplate(this.database.dataSource()).queryForList("SELECT datname::text FROM pg_database",
				String.class);
	}

	private void admin(String sql) {
		new JdbcTemplate(this.database.dataSource()).execute(sql);
	}

}
