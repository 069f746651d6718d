package dev.cairn.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

import dev.cairn.autoconfigure.CairnProperties.Mode;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationStatus;
import dev.cairn.core.Migrator;
import dev.cairn.core.TenantMigrations;
import dev.cairn.core.TenantRun;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * Runs Cairn while the application context refreshes, before any bean that uses the
 * database: Boot's database-initialization ordering makes {@code JdbcTemplate},
 * {@code JdbcClient}, JPA and every {@code @DependsOnDatabaseInitialization} bean depend
 * on it.
 */
public class MigrationInitializer implements InitializingBean {

	private static final Log logger = LogFactory.getLog(MigrationInitializer.class);

	private final Migrator migrator;

	private final Mode mode;

	private final ApplicationStartup applicationStartup;

	private final @Nullable TenantMigrations tenants;

	/**
	 * Creates an initializer.
	 * @param migrator the migrator to run
	 * @param mode what to do on startup
	 * @param applicationStartup where the {@code cairn.migrate} startup step is reported
	 */
	public MigrationInitializer(Migrator migrator, Mode mode, ApplicationStartup applicationStartup) {
		this(migrator, mode, applicationStartup, null);
	}

	/**
	 * Creates an initializer that also migrates a fleet of tenants, after the main
	 * schema.
	 * @param migrator the migrator of the main schema
	 * @param mode what to do on startup
	 * @param applicationStartup where the {@code cairn.migrate} and {@code cairn.tenants}
	 * startup steps are reported
	 * @param tenants the tenants, or {@code null} for none
	 */
	public MigrationInitializer(Migrator migrator, Mode mode, ApplicationStartup applicationStartup,
			@Nullable TenantMigrations tenants) {
		this.migrator = migrator;
		this.mode = mode;
		this.applicationStartup = applicationStartup;
		this.tenants = tenants;
	}

	@Override
	public void afterPropertiesSet() {
		switch (this.mode) {
			case MIGRATE -> {
				migrate();
				tenants(TenantMigrations::migrateAll);
			}
			case VALIDATE -> {
				validate();
				tenants(MigrationInitializer::validateTenants);
			}
			case OFF -> logger.info("Cairn is off (cairn.mode=off): no migration was applied or validated");
		}
	}

	private void migrate() {
		StartupStep step = this.applicationStartup.start("cairn.migrate");
		try {
			MigrateResult result = this.migrator.migrate();
			step.tag("applied", String.valueOf(result.applied().size()));
			step.tag("outcome", "success");
			logger.info(summary(result));
		}
		catch (MigrationException ex) {
			step.tag("outcome", "failure");
			throw ex;
		}
		finally {
			step.end();
		}
	}

	private void tenants(java.util.function.Consumer<TenantMigrations> run) {
		if (this.tenants == null) {
			return;
		}
		StartupStep step = this.applicationStartup.start("cairn.tenants");
		try {
			run.accept(this.tenants);
		}
		finally {
			step.end();
		}
	}

	private static void validateTenants(TenantMigrations tenants) {
		List<String> pending = tenants.validateAll()
			.tenants()
			.stream()
			.filter((run) -> run.state() == TenantRun.State.PENDING)
			.map(TenantRun::tenant)
			.toList();
		if (!pending.isEmpty()) {
			throw new MigrationException(pending.size() + ((pending.size() == 1) ? " tenant has" : " tenants have")
					+ " pending migrations and cairn.mode=validate does not apply them: " + String.join(", ", pending)
					+ ". Run the migrations first (for example with cairn.command=migrate in the job that deploys the"
					+ " schema), then start this instance again.");
		}
	}

	private void validate() {
		StartupStep step = this.applicationStartup.start("cairn.validate");
		try {
			MigrationStatus status = this.migrator.validate();
			List<MigrationInfo> pending = status.pending();
			if (!pending.isEmpty()) {
				throw new MigrationException(pending.size()
						+ ((pending.size() == 1) ? " migration is" : " migrations are")
						+ " pending and cairn.mode=validate does not apply them: "
						+ pending.stream().map(MigrationInfo::script).collect(Collectors.joining(", "))
						+ ". Run the migrations first (for example with cairn.mode=migrate in the job that deploys the"
						+ " schema), then start this instance again.");
			}
			logger.info("Schema validated at version " + describe(status.current()) + ", nothing pending");
		}
		finally {
			step.end();
		}
	}

	private static String summary(MigrateResult result) {
		String version = describe(result.currentVersion());
		int applied = result.applied().size();
		String waited = (result.lockWait().toMillis() >= 1000)
				? " (waited " + result.lockWait().toMillis() + " ms for the migration lock)" : "";
		if (applied == 0) {
			return "Schema up to date at version " + version + waited;
		}
		return "Schema at version " + version + ", " + applied + ((applied == 1) ? " migration" : " migrations")
				+ " applied in " + result.duration().toMillis() + " ms" + waited;
	}

	private static String describe(@Nullable String version) {
		return (version != null) ? version : "<none>";
	}

}
