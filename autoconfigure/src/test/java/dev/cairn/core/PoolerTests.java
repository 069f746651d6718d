package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.PgBouncer;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Cairn behind a real PgBouncer in transaction mode, started by the test on a free port:
 * instances booting at once apply each migration once, no advisory lock outlives a run or
 * a killed instance, a migration that must run outside a transaction is refused before
 * anything runs, no session setting of a migration stays behind on the pool's server
 * sessions, and tenant schemas are refused before any tenant runs.
 */
@Tag(PgBouncer.TAG)
class PoolerTests {

	private static final int INSTANCES = 8;

	private static final int MIGRATIONS = 30;

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	private PgBouncer pgBouncer;

	@BeforeEach
	void startPgBouncer() {
		this.pgBouncer = PgBouncer.transactionMode(this.database, 4);
	}

	@AfterEach
	void stopPgBouncer() {
		this.pgBouncer.close();
	}

	@Test
	void eightInstancesBootingTogetherThroughPgBouncerApplyEveryMigrationExactlyOnce() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		for (int i = 1; i <= MIGRATIONS; i++) {
			String sql = "CREATE TYPE state_%03d AS ENUM ('a', 'b');\nCREATE TABLE table_%03d (id bigint PRIMARY KEY, "
				.formatted(i, i) + "state state_%03d);\n".formatted(i);
			if (i == 2) {
				// Long enough that every instance starts while the lock is held.
				sql += "SELECT pg_sleep(3);\n";
			}
			Files.writeString(migrations.resolve("%03d_table_%03d.sql".formatted(i, i)), sql);
		}
		List<Process> processes = new ArrayList<>();
		List<Path> outputs = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			Path output = this.folder.resolve("instance-" + i + ".log");
			outputs.add(output);
			processes.add(Instances.start(this.pgBouncer.url(this.database), Instances.location(migrations),
					"instance-" + i, output));
		}
		int applied = 0;
		int appliers = 0;
		for (int i = 0; i < INSTANCES; i++) {
			assertThat(processes.get(i).waitFor(3, TimeUnit.MINUTES)).as("instance-" + i + " finished").isTrue();
			String log = Files.readString(outputs.get(i), StandardCharsets.UTF_8);
			assertThat(processes.get(i).exitValue()).as("exit code of instance-%d, which printed:%n%s", i, log)
				.isZero();
			int count = (int) log.lines().filter((line) -> line.startsWith("applied ")).count();
			applied += count;
			appliers += (count > 0) ? 1 : 0;
		}
		assertThat(applied).isEqualTo(MIGRATIONS);
		assertThat(appliers).as("one instance applied all of them").isOne();
		assertThat(jdbc().queryForList("SELECT version FROM cairn_history ORDER BY installed_rank", String.class))
			.hasSize(MIGRATIONS)
			.doesNotHaveDuplicates();
		assertThat(advisoryLocks()).as("advisory locks left on the server").isZero();
	}

	@Test
	void aKilledInstanceLeavesNoLockBehindOnThePoolsServerSessions() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_slow.sql"), "CREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n");
		Path output = this.folder.resolve("killed.log");
		Process killed = Instances.start(this.pgBouncer.url(this.database), Instances.location(migrations), "killed",
				output);
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (advisoryLocks() == 0) {
			assertThat(System.nanoTime()).as("the instance takes the lock").isLessThan(deadline);
			assertThat(killed.isAlive()).as("the instance runs: %s", Files.readString(output)).isTrue();
			Thread.sleep(50);
		}
		killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (advisoryLocks() > 0) {
			assertThat(System.nanoTime()).as("the lock ends with the killed client").isLessThan(deadline);
			Thread.sleep(50);
		}
		Files.writeString(migrations.resolve("001_slow.sql"), "CREATE TABLE slow (id int);\n");
		MigrateResult result = migrator(migrations, MigratorSettings.builder()).migrate();
		assertThat(result.applied()).extracting(MigrateResult.Applied::script).containsExactly("001_slow.sql");
		assertThat(result.lockWait()).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void aMigrationOutsideATransactionIsRefusedBeforeAnythingRuns() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_accounts.sql"), "CREATE TABLE accounts (id int, email text);\n");
		Files.writeString(migrations.resolve("002_accounts_email.sql"),
				"-- cairn:no-transaction\nCREATE INDEX CONCURRENTLY accounts_email ON accounts (email);\n");
		int serverPort = Integer.parseInt(this.database.url().replaceAll(".*:(\\d+)/.*", "$1"));
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> migrator(migrations, MigratorSettings.builder()).migrate())
			.withMessageMatching("\\Q002_accounts_email.sql runs outside a transaction, but Cairn's connection goes "
					+ "through a pooler that may run each transaction on another server session (the backend key the "
					+ "connection got names pid \\E-?\\d+\\Q, but its server session is pid \\E\\d+\\Q; PgBouncer, "
					+ "Supavisor and RDS Proxy do so in transaction mode). Its statements could run on different server "
					+ "sessions, without Cairn's lock_timeout, and their settings would stay behind for the pool's "
					+ "other clients. Nothing was applied. Point cairn.url at PostgreSQL itself (the server reports "
					+ "itself as \\E[0-9a-f.:]+\\Q:" + serverPort + ") to migrate, or, if the pooler keeps one server "
					+ "session per client (session mode), set cairn.pooler-mode=session.\\E");
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isZero();
		assertThat(jdbc().queryForObject("SELECT to_regclass('accounts') IS NULL", Boolean.class)).isTrue();
		assertThat(advisoryLocks()).isZero();
	}

	@Test
	void sessionModeSetByHandRunsAMigrationOutsideATransactionThroughASessionPooler() throws Exception {
		this.pgBouncer.close();
		this.pgBouncer = PgBouncer.start(this.database, "session", 4);
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_accounts.sql"), "CREATE TABLE accounts (id int, email text);\n");
		Files.writeString(migrations.resolve("002_accounts_email.sql"),
				"-- cairn:no-transaction\nCREATE INDEX CONCURRENTLY accounts_email ON accounts (email);\n");
		MigrateResult result = migrator(migrations, MigratorSettings.builder().poolerMode(PoolerMode.SESSION))
			.migrate();
		assertThat(result.applied()).hasSize(2);
		assertThat(jdbc().queryForObject(
				"SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email'::regclass", Boolean.class))
			.isTrue();
	}

	@Test
	void noSettingOfAMigrationStaysBehindOnThePoolsServerSessions() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		for (int i = 1; i <= 6; i++) {
			Files.writeString(migrations.resolve("%03d_settings.sql".formatted(i)),
					"SET statement_timeout = '77s';\nSET search_path = pg_catalog;\nSET ROLE postgres;\n"
							+ "CREATE TABLE public.t%d (id int);\n".formatted(i));
		}
		migrator(migrations, MigratorSettings.builder().statementTimeout(Duration.ofSeconds(55))).migrate();
		// Four clients each in a transaction of their own cover all four server sessions
		// of
		// the pool.
		List<Connection> clients = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		Set<Integer> pids = new HashSet<>();
		try {
			for (int i = 0; i < 4; i++) {
				Connection client = DriverManager.getConnection(this.pgBouncer.url(this.database));
				clients.add(client);
				client.setAutoCommit(false);
				try (Statement statement = client.createStatement();
						ResultSet result = statement.executeQuery("SELECT pg_backend_pid(), "
								+ "current_setting('statement_timeout'), current_setting('search_path'), "
								+ "current_setting('lock_timeout'), current_setting('role')")) {
					result.next();
					pids.add(result.getInt(1));
					seen.add(result.getString(2) + " | " + result.getString(3) + " | " + result.getString(4) + " | "
							+ result.getString(5));
				}
			}
		}
		finally {
			for (Connection client : clients) {
				client.close();
			}
		}
		assertThat(pids).hasSize(4);
		assertThat(seen).containsExactly("0 | \"$user\", public | 0 | none");
	}

	@Test
	void aLockTimeoutThroughPgBouncerNamesTheSessionThatBlockedIt() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_accounts.sql"), "CREATE TABLE accounts (id int);\n");
		migrator(migrations, MigratorSettings.builder()).migrate();
		Files.writeString(migrations.resolve("002_accounts_note.sql"), "ALTER TABLE accounts ADD COLUMN note text;\n");
		try (Connection report = this.database.connect(); Statement statement = report.createStatement()) {
			statement.execute("SET application_name = 'monthly-report'");
			report.setAutoCommit(false);
			statement.execute("SELECT count(*) FROM accounts");
			int reportPid = jdbc().queryForObject(
					"SELECT pid FROM pg_stat_activity WHERE application_name = 'monthly-report'", Integer.class);
			assertThatExceptionOfType(MigrationException.class)
				.isThrownBy(() -> migrator(migrations,
						MigratorSettings.builder().lockTimeout(Duration.ofMillis(300)).lockRetries(1))
					.migrate())
				.withMessageContaining("It waited for a lock longer than lock_timeout 2 time(s). It was blocked by pid "
						+ reportPid + " (idle in transaction, application_name 'monthly-report'")
				.withMessageEndingWith("Nothing from this migration was applied. Let pid " + reportPid
						+ " finish, or end it with SELECT pg_terminate_backend(" + reportPid + "), then restart (or "
						+ "raise cairn.lock-retry-budget to keep trying longer).");
			report.rollback();
		}
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history WHERE version = '2'", Integer.class))
			.isZero();
		assertThat(advisoryLocks()).isZero();
	}

	@Test
	void tenantSchemasAreRefusedBeforeAnyTenantRuns() {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.pgBouncer.url(this.database));
		TenantMigrations fleet = new TenantMigrations(dataSource, MigratorSettings.defaults(),
				new TenantSettings(List.of("classpath:scenarios/tenants/fleet"), 2, TenantSettings.OnError.FAIL, null),
				TenantSource.of(List.of("acme", "globex", "initech")));
		int serverPort = Integer.parseInt(this.database.url().replaceAll(".*:(\\d+)/.*", "$1"));
		String refusal = "\\QTenant schemas cannot be migrated through this connection: it goes through a pooler that "
				+ "may run each transaction on another server session (the backend key the connection got names pid "
				+ "\\E-?\\d+\\Q, but its server session is pid \\E\\d+\\Q; PgBouncer, Supavisor and RDS Proxy do so in "
				+ "transaction mode), but each tenant's schema goes first on search_path as a session setting, which "
				+ "would not follow its migrations and would stay behind for the pool's other clients. Nothing was "
				+ "applied to any of the %s. Point cairn.url at PostgreSQL itself (the server reports itself as "
				+ "\\E[0-9a-f.:]+\\Q:" + serverPort
				+ ") to migrate tenants, or, if the pooler keeps one server session "
				+ "per client (session mode), set cairn.pooler-mode=session.\\E";
		assertThatExceptionOfType(MigrationException.class).isThrownBy(fleet::migrateAll)
			.withMessageMatching(refusal.formatted("3 tenant schemas"));
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> fleet.migrate("signed_up"))
			.withMessageMatching(refusal.formatted("1 tenant schema"));
		assertThat(jdbc().queryForObject(
				"SELECT count(*) FROM pg_namespace WHERE nspname IN ('acme', 'globex', " + "'initech', 'signed_up')",
				Integer.class))
			.as("no tenant schema created")
			.isZero();
		assertThat(fleet.runs()).isEmpty();
	}

	@Test
	void tenantSchemasRunThroughASessionPoolerWithSessionModeSetByHand() {
		this.pgBouncer.close();
		this.pgBouncer = PgBouncer.start(this.database, "session", 4);
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.pgBouncer.url(this.database));
		FleetResult result = new TenantMigrations(dataSource,
				MigratorSettings.builder().poolerMode(PoolerMode.SESSION).build(),
				new TenantSettings(List.of("classpath:scenarios/tenants/fleet"), 2, TenantSettings.OnError.FAIL, null),
				TenantSource.of(List.of("acme", "globex")))
			.migrateAll();
		assertThat(result.count(TenantRun.State.MIGRATED)).isEqualTo(2);
		assertThat(jdbc().queryForObject("SELECT count(*) FROM globex.cairn_history", Integer.class)).isEqualTo(3);
	}

	private Migrator migrator(Path migrations, MigratorSettings.Builder settings) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(this.pgBouncer.url(this.database));
		return new Migrator(dataSource, settings.locations(Instances.location(migrations)).build(),
				MigrationListener.NONE, List.of());
	}

	private int advisoryLocks() {
		return jdbc().queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
				+ "(SELECT oid FROM pg_database WHERE datname = current_database())", Integer.class);
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
