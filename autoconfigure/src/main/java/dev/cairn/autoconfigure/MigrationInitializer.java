package dev.cairn.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import dev.cairn.autoconfigure.CairnProperties.Mode;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationVersion;
import dev.cairn.core.Migrator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * Runs Cairn while the application context refreshes, before any bean that uses the database: Boot's
 * database-initialization ordering makes {@code JdbcTemplate}, {@code JdbcClient}, JPA and every
 * {@code @DependsOnDatabaseInitialization} bean depend on it.
 */
public class MigrationInitializer implements InitializingBean {

	private static final Log logger = LogFactory.getLog(MigrationInitializer.class);

	private final Migrator migrator;

	private final Mode mode;

	private final MigrationSnapshot snapshot;

	private final ApplicationStartup applicationStartup;

	/**
	 * Creates an initializer.
	 * @param migrator the migrator to run
	 * @param mode what to do on startup
	 * @param snapshot where the outcome is recorded
	 * @param applicationStartup where the {@code cairn.migrate} startup step is reported
	 */
	public MigrationInitializer(Migrator migrator, Mode mode, MigrationSnapshot snapshot,
			ApplicationStartup applicationStartup) {
		this.migrator = migrator;
		this.mode = mode;
		this.snapshot = snapshot;
		this.applicationStartup = applicationStartup;
	}

	@Override
	public void afterPropertiesSet() {
		switch (this.mode) {
			case MIGRATE -> migrate();
			case VALIDATE -> validate();
			case OFF -> logger.info("Cairn is off (cairn.mode=off): no migration was applied or validated");
		}
	}

	private void migrate() {
		StartupStep step = this.applicationStartup.start("cairn.migrate");
		Instant startedAt = Instant.now();
		try {
			MigrateResult result = this.migrator.migrate();
			this.snapshot.recordRun(result);
			step.tag("applied", String.valueOf(result.applied().size()));
			step.tag("outcome", "success");
			logger.info(summary(result));
		}
		catch (MigrationException ex) {
			this.snapshot.recordFailure(startedAt, Instant.now(), ex, infoAfterFailure());
			step.tag("outcome", "failure");
			throw ex;
		}
		finally {
			step.end();
		}
	}

	private void validate() {
		StartupStep step = this.applicationStartup.start("cairn.validate");
		try {
			this.migrator.validate();
			List<MigrationInfo> migrations = this.migrator.info();
			this.snapshot.recordInfo(migrations);
			List<MigrationInfo> pending = migrations.stream().filter(this::isPendingUpToTarget).toList();
			if (!pending.isEmpty()) {
				throw new MigrationException(pending.size() + ((pending.size() == 1) ? " migration is" : " migrations are")
						+ " pending and cairn.mode=validate does not apply them: "
						+ pending.stream().map(MigrationInfo::script).collect(Collectors.joining(", "))
						+ ". Run the migrations first (for example with cairn.mode=migrate in the job that deploys the"
						+ " schema), then start this instance again.");
			}
			logger.info("Schema validated at version " + describe(this.snapshot.currentVersion())
					+ ", nothing pending");
		}
		finally {
			step.end();
		}
	}

	private boolean isPendingUpToTarget(MigrationInfo migration) {
		String target = this.migrator.settings().target();
		return migration.state() == MigrationState.PENDING && (target == null || migration.version() == null
				|| MigrationVersion.parse(migration.version()).compareTo(MigrationVersion.parse(target)) <= 0);
	}

	private List<MigrationInfo> infoAfterFailure() {
		try {
			return this.migrator.info();
		}
		catch (RuntimeException ex) {
			// The run's own failure is what matters; the endpoint shows no migrations then.
			return List.of();
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
