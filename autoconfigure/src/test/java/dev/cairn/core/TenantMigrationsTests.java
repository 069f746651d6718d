package dev.cairn.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import dev.cairn.core.TenantRun.State;
import dev.cairn.core.TenantSettings.OnError;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A fleet of 50 tenant schemas on real PostgreSQL, migrated through a pool with the
 * scenario {@code tenants}: one schema, history table and lock per tenant, each
 * {@code on-error} mode with one failing tenant, resuming, two fleets at once, and
 * shards.
 */
class TenantMigrationsTests {

	private static final String FLEET = "classpath:scenarios/tenants/fleet";

	private static final List<String> FIFTY = IntStream.rangeClosed(1, 50).mapToObj("t%02d"::formatted).toList();

	private static final String T13_ERROR = """
			Migration 002_orders.sql failed at line 2, column 1: relation "audit" already exists (SQLSTATE 42P07)
			   2 | CREATE TABLE audit (id bigint PRIMARY KEY);
			     | ^
			Nothing from this migration was applied; the 1 migration(s) applied before it in this run stay applied. \
			Fix the file and restart.""";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final List<HikariDataSource> pools = new ArrayList<>();

	private JdbcTemplate jdbc;

	@AfterEach
	void closePools() {
		this.pools.forEach(HikariDataSource::close);
	}

	@Test
	void migratesEachTenantIntoItsOwnSchemaWithItsOwnHistory() {
		FleetResult result = fleet(OnError.FAIL, 4, null).migrateAll();
		assertThat(result.count(State.MIGRATED)).isEqualTo(50);
		assertThat(result.applied()).isEqualTo(150);
		for (String tenant : FIFTY) {
			assertThat(tables(tenant)).containsExactly("accounts", "audit", "cairn_history", "orders");
			assertThat(history(tenant)).containsExactly("1", "2", "3");
			assertThat(jdbc().queryForObject("SELECT name FROM " + tenant + ".accounts", String.class))
				.isEqualTo("first");
		}
		assertThat(tables("public")).isEmpty();
		assertThat(fleet(OnError.FAIL, 4, null).migrateAll().count(State.UP_TO_DATE)).isEqualTo(50);
	}

	@Test
	void failStartsNoMoreTenantsAfterAFailureAndTheNextRunResumesEachWhereItStopped() {
		jdbc().execute("CREATE SCHEMA t13; CREATE TABLE t13.audit (id bigint PRIMARY KEY)");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> fleet(OnError.FAIL, 1, null).migrateAll())
			.withMessage("1 of 50 tenants failed to migrate (cairn.tenants.on-error=fail), so 37 did not start:\n"
					+ "- t13: " + T13_ERROR.replace("\n", "\n  ") + "\n"
					+ "Fix what failed and restart: each tenant resumes where it stopped, and the 12 that succeeded "
					+ "are left as they are.");
		assertThat(history("t12")).containsExactly("1", "2", "3");
		assertThat(history("t13")).containsExactly("1");
		assertThat(tables("t13")).as("002 rolled back with its history row").doesNotContain("orders");
		assertThat(schemas()).doesNotContain("t14", "t50");
		jdbc().execute("DROP TABLE t13.audit");
		FleetResult resumed = fleet(OnError.FAIL, 1, null).migrateAll();
		assertThat(resumed.applied()).isEqualTo(2 + 37 * 3);
		assertThat(resumed.count(State.UP_TO_DATE)).isEqualTo(12);
		for (String tenant : FIFTY) {
			assertThat(history(tenant)).as(tenant).containsExactly("1", "2", "3");
			assertThat(jdbc().queryForObject("SELECT count(*) FROM " + tenant + ".accounts", Integer.class))
				.isEqualTo(1);
		}
	}

	@Test
	void continueMigratesEveryOtherTenantThenFailsNamingTheFailedOneWithItsError() {
		jdbc().execute("CREATE SCHEMA t13; CREATE TABLE t13.audit (id bigint PRIMARY KEY)");
		TenantMigrations fleet = fleet(OnError.CONTINUE, 4, null);
		assertThatExceptionOfType(MigrationException.class).isThrownBy(fleet::migrateAll)
			.withMessage("1 of 50 tenants failed to migrate (cairn.tenants.on-error=continue):\n" + "- t13: "
					+ T13_ERROR.replace("\n", "\n  ") + "\n"
					+ "Fix what failed and restart: each tenant resumes where it stopped, and the 49 that succeeded "
					+ "are left as they are.");
		for (String tenant : FIFTY) {
			assertThat(history(tenant)).as(tenant)
				.containsExactlyElementsOf(tenant.equals("t13") ? List.of("1") : List.of("1", "2", "3"));
		}
		assertThat(fleet.run("t13").state()).isEqualTo(State.FAILED);
		assertThat(fleet.run("t13").status().pending()).extracting(MigrationInfo::script)
			.containsExactly("002_orders.sql", "003_seed.sql");
	}

	@Test
	void continueAndStartReturnsWithTheFailedTenantRecorded() {
		jdbc().execute("CREATE SCHEMA t13; CREATE TABLE t13.audit (id bigint PRIMARY KEY)");
		TenantMigrations fleet = fleet(OnError.CONTINUE_AND_START, 4, null);
		FleetResult result = fleet.migrateAll();
		assertThat(result.failed()).extracting(TenantRun::tenant).containsExactly("t13");
		assertThat(result.failed().get(0).error()).hasMessage(T13_ERROR);
		assertThat(result.count(State.MIGRATED)).isEqualTo(49);
		assertThat(fleet.runs()).hasSize(50);
		assertThat(history("t50")).containsExactly("1", "2", "3");
	}

	@Test
	void twoFleetsRunningAtOnceMigrateEachTenantOnce() throws Exception {
		ExecutorService instances = Executors.newFixedThreadPool(2);
		try {
			Future<FleetResult> first = instances.submit(() -> fleet(OnError.FAIL, 4, null).migrateAll());
			Future<FleetResult> second = instances.submit(() -> fleet(OnError.FAIL, 4, null).migrateAll());
			assertThat(first.get().applied() + second.get().applied()).isEqualTo(150);
		}
		finally {
			instances.shutdown();
		}
		for (String tenant : FIFTY) {
			assertThat(jdbc().queryForList("SELECT version FROM " + tenant + ".cairn_history ORDER BY installed_rank",
					String.class))
				.as(tenant)
				.containsExactly("1", "2", "3");
		}
	}

	@Test
	void threeShardsCoverEveryTenantExactlyOnce() {
		List<String> covered = new ArrayList<>();
		int applied = 0;
		for (int shard = 1; shard <= 3; shard++) {
			TenantMigrations fleet = fleet(OnError.FAIL, 2, new TenantShard(shard, 3));
			List<String> tenants = fleet.tenants();
			assertThat(tenants).as("shard %d/3 has its share", shard).hasSizeBetween(8, 26);
			covered.addAll(tenants);
			applied += fleet.migrateAll().applied();
		}
		assertThat(covered).hasSize(50).containsExactlyInAnyOrderElementsOf(FIFTY);
		assertThat(applied).isEqualTo(150);
		assertThat(List.of(TenantShard.of("t01", 3), TenantShard.of("t02", 3), TenantShard.of("acme", 7)))
			.as("the hash never changes between releases")
			.containsExactly(1, 3, 3);
	}

	@Test
	void migratingOneTenantCreatesItsSchema() {
		MigrateResult result = fleet(OnError.FAIL, 4, null).migrate("signed_up_today");
		assertThat(result.applied()).hasSize(3);
		assertThat(tables("signed_up_today")).containsExactly("accounts", "audit", "cairn_history", "orders");
	}

	@Test
	void tenantsComeFromAQueryOnTheMainSchema() {
		new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations("classpath:scenarios/tenants/main").build())
			.migrate();
		TenantMigrations fleet = new TenantMigrations(pool(), MigratorSettings.defaults(),
				new TenantSettings(List.of(FLEET), 2, OnError.FAIL, null),
				TenantSource.query(this.database.dataSource(), "SELECT schema_name FROM tenants ORDER BY 1"));
		assertThat(fleet.migrateAll().tenants()).extracting(TenantRun::tenant)
			.containsExactly("acme", "globex", "initech");
		assertThat(history("globex")).containsExactly("1", "2", "3");
		assertThat(history("public")).containsExactly("1");
	}

	@Test
	void givesTheConnectionItsSearchPathBack() throws Exception {
		try (Connection connection = this.database.connect()) {
			SingleConnectionDataSource single = new SingleConnectionDataSource(connection, true);
			new TenantMigrations(single, MigratorSettings.defaults(),
					new TenantSettings(List.of(FLEET), 1, OnError.FAIL, null), TenantSource.of(List.of("acme")))
				.migrate("acme");
			try (Statement statement = connection.createStatement();
					ResultSet path = statement.executeQuery("SHOW search_path")) {
				path.next();
				assertThat(path.getString(1)).isEqualTo("\"$user\", public");
			}
		}
	}

	@Test
	void refusesATenantThatIsNotASchemaName() {
		TenantMigrations fleet = new TenantMigrations(pool(), MigratorSettings.defaults(), TenantSettings.defaults(),
				TenantSource.of(List.of("acme", "bad name")));
		assertThatExceptionOfType(MigrationException.class).isThrownBy(fleet::tenants)
			.withMessage("Tenant 'bad name' is not a schema name Cairn can use: use letters, digits, underscores "
					+ "and $ only, starting with a letter or underscore, at most 63 characters. Fix it in "
					+ "cairn.tenants.schemas, the rows of cairn.tenants.query, or your TenantSource.");
	}

	@Test
	void refusesABadShard() {
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> TenantShard.parse("3"))
			.withMessage("cairn.tenants.shard '3' is not a shard. Write K/N: this machine's shard K (from 1) of N "
					+ "shards, for example cairn.tenants.shard=1/3.");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> TenantShard.parse("0/3"))
			.withMessage("Tenant shard 0/3 does not exist. Use K/N with N at least 1 and K from 1 to N, for "
					+ "example cairn.tenants.shard=1/3.");
		assertThat(TenantShard.ofJobIndex("2", 3)).isEqualTo(new TenantShard(3, 3));
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> TenantShard.ofJobIndex("3", 3))
			.withMessage("JOB_COMPLETION_INDEX is 3 but cairn.tenants.shards is 3, so that pod has no shard. Set "
					+ "cairn.tenants.shards to the Job's completions.");
	}

	private TenantMigrations fleet(OnError onError, int parallelism, TenantShard shard) {
		return new TenantMigrations(pool(),
				MigratorSettings.builder().lockWaitTimeout(java.time.Duration.ofMinutes(1)).build(),
				new TenantSettings(List.of(FLEET), parallelism, onError, shard), TenantSource.of(FIFTY));
	}

	private synchronized HikariDataSource pool() {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(this.database.url());
		pool.setUsername(this.database.username());
		pool.setPassword(this.database.password());
		pool.setMaximumPoolSize(8);
		this.pools.add(pool);
		return pool;
	}

	private JdbcTemplate jdbc() {
		if (this.jdbc == null) {
			this.jdbc = new JdbcTemplate(pool());
		}
		return this.jdbc;
	}

	private List<String> tables(String schema) {
		return jdbc().queryForList(
				"SELECT table_name::text FROM information_schema.tables WHERE table_schema = ? ORDER BY 1",
				String.class, schema);
	}

	private List<String> history(String schema) {
		return jdbc().queryForList("SELECT version FROM " + schema + ".cairn_history ORDER BY installed_rank",
				String.class);
	}

	private Set<String> schemas() {
		return new HashSet<>(jdbc().queryForList("SELECT nspname::text FROM pg_namespace", String.class));
	}

}
