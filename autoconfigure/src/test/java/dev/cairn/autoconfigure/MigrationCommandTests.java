package dev.cairn.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.cairn.core.Migrator;
import dev.cairn.core.TenantMigrations;
import dev.cairn.core.TenantSource;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MigrationCommand}: exit codes and what goes to standard output and
 * standard error.
 */
class MigrationCommandTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@Test
	void refusesAnUnknownCommandWithUsageCode() {
		assertThat(run(properties("upgrade"))).isEqualTo(MigrationCommand.USAGE);
		assertThat(err()).contains("Unknown cairn.command 'upgrade'", "status, migrate, validate");
	}

	@Test
	void refusesARollbackThatDoesNotSayHowFar() {
		assertThat(run(properties("rollback"))).isEqualTo(MigrationCommand.USAGE);
		assertThat(err()).isEqualTo("Rollback needs to know how far to go: pass --cairn.count=all to undo everything, "
				+ "--cairn.target=<version> to return to a version (it stays applied), or --cairn.count=1 to undo the "
				+ "last one.\n");
		CairnProperties both = properties("rollback");
		both.setTarget("0");
		both.setCount("1");
		assertThat(run(both)).isEqualTo(MigrationCommand.USAGE);
	}

	@Test
	void refusesACountOutsideRollbackAndATargetThatIsNoVersion() {
		CairnProperties count = properties("migrate");
		count.setCount("2");
		assertThat(run(count)).isEqualTo(MigrationCommand.USAGE);
		CairnProperties target = properties("rollback");
		target.setTarget("latest");
		assertThat(run(target)).isEqualTo(MigrationCommand.USAGE);
		assertThat(err()).contains("cairn.count only applies to the rollback command", "'latest' is not a version");
	}

	@Test
	void explainsWhenCairnHasNoDatabase() {
		assertThat(new MigrationCommand(properties("status"), () -> null, print(this.out), print(this.err)).run())
			.isEqualTo(MigrationCommand.FAILURE);
		assertThat(err()).contains("cairn.enabled=false", "spring.datasource.url");
	}

	@Test
	void migratesThenShowsStatus() {
		assertThat(run(properties("migrate"))).isEqualTo(MigrationCommand.SUCCESS);
		assertThat(out()).contains("Applied 3 migrations", "schema now at version 3.");
		this.out.reset();
		assertThat(run(properties("status"))).isEqualTo(MigrationCommand.SUCCESS);
		assertThat(out()).startsWith("Schema version: 3\nApplied: 3, pending: 0, failed: 0, modified: 0, missing: 0\n")
			.contains("Version  Description");
		assertThat(err()).isEmpty();
	}

	@Test
	void failsWithTheEngineMessageOnStandardError() {
		CairnProperties properties = properties("migrate");
		properties.setLocations(List.of("classpath:scenarios/failure-in-third-statement"));
		assertThat(run(properties)).isEqualTo(MigrationCommand.FAILURE);
		assertThat(err()).startsWith("cairn migrate failed: Migration ").contains("line ");
		assertThat(out()).isEmpty();
	}

	@Test
	void migratesTheMainSchemaThenEveryTenantPrintingATable() {
		CairnProperties properties = tenantProperties("migrate", "acme", "globex");
		assertThat(runWithTenants(properties)).isEqualTo(MigrationCommand.SUCCESS);
		assertThat(out()).startsWith("Applied 1 migration in ")
			.contains("\nTenant  State     Applied  Version  Duration ms  Error\n")
			.containsPattern("\nacme    MIGRATED  3        3        \\d+\n")
			.containsPattern("\nglobex  MIGRATED  3        3        \\d+\n");
		this.out.reset();
		assertThat(runWithTenants(properties)).isEqualTo(MigrationCommand.SUCCESS);
		assertThat(out()).containsPattern("\nacme    UP_TO_DATE  0        3        \\d+\n");
		assertThat(err()).isEmpty();
	}

	@Test
	void exitsWithFailureNamingTheFailedTenant() {
		new org.springframework.jdbc.core.JdbcTemplate(this.database.dataSource())
			.execute("CREATE SCHEMA globex; CREATE TABLE globex.audit (id bigint)");
		CairnProperties properties = tenantProperties("migrate", "acme", "globex");
		properties.getTenants().setOnError(dev.cairn.core.TenantSettings.OnError.CONTINUE_AND_START);
		assertThat(runWithTenants(properties)).isEqualTo(MigrationCommand.FAILURE);
		assertThat(out()).containsPattern("\nglobex  FAILED    0        1        \\d+ +Migration 002_orders.sql "
				+ "failed at line 2, column 1: relation \"audit\" already exists \\(SQLSTATE 42P07\\)\n");
	}

	@Test
	void runsAVerbAgainstOneTenant() {
		CairnProperties properties = tenantProperties("migrate", "acme", "globex");
		properties.setTenant("globex");
		assertThat(runWithTenants(properties)).isEqualTo(MigrationCommand.SUCCESS);
		assertThat(out()).startsWith("Applied 3 migrations in ").contains("schema now at version 3.");
		properties.setCommand("status");
		this.out.reset();
		assertThat(runWithTenants(properties)).isEqualTo(MigrationCommand.SUCCESS);
		assertThat(out()).startsWith("Schema version: 3\n").contains("orders");
		assertThat(new org.springframework.jdbc.core.JdbcTemplate(this.database.dataSource())
			.queryForList("SELECT nspname::text FROM pg_namespace WHERE nspname IN ('acme', 'globex')", String.class))
			.containsExactly("globex");
	}

	@Test
	void refusesATenantWithoutTenants() {
		CairnProperties properties = properties("status");
		properties.setTenant("acme");
		assertThat(run(properties)).isEqualTo(MigrationCommand.USAGE);
		assertThat(err()).isEqualTo("cairn.tenant is acme but no tenants are configured. Set cairn.tenants.schemas or "
				+ "cairn.tenants.query, or define a TenantSource bean.\n");
	}

	private int runWithTenants(CairnProperties properties) {
		TenantMigrations tenants = new TenantMigrations(this.database.dataSource(), properties.toSettings(),
				properties.getTenants().toSettings(2, null), TenantSource.of(properties.getTenants().getSchemas()));
		return new MigrationCommand(properties, () -> new Migrator(this.database.dataSource(), properties.toSettings()),
				() -> tenants, print(this.out), print(this.err))
			.run();
	}

	private static CairnProperties tenantProperties(String command, String... tenants) {
		CairnProperties properties = properties(command);
		properties.setLocations(List.of("classpath:scenarios/tenants/main"));
		properties.getTenants().setLocations(List.of("classpath:scenarios/tenants/fleet"));
		properties.getTenants().setSchemas(List.of(tenants));
		return properties;
	}

	private int run(CairnProperties properties) {
		return new MigrationCommand(properties, () -> new Migrator(this.database.dataSource(), properties.toSettings()),
				print(this.out), print(this.err))
			.run();
	}

	private static CairnProperties properties(String command) {
		CairnProperties properties = new CairnProperties();
		properties.setCommand(command);
		properties.setLocations(List.of("classpath:scenarios/valid"));
		return properties;
	}

	private static PrintStream print(ByteArrayOutputStream bytes) {
		return new PrintStream(bytes, true, StandardCharsets.UTF_8);
	}

	private String out() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	private String err() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

}
