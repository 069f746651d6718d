package dev.cairn.autoconfigure;

import java.time.Duration;

import dev.cairn.core.LockHolder;
import dev.cairn.core.MigrateResult.Applied;
import dev.cairn.core.MigrationListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs each applied migration and every wait for the migration lock; the run's summary
 * line comes from {@link MigrationInitializer}.
 */
class LoggingMigrationListener implements MigrationListener {

	private static final Log logger = LogFactory.getLog(MigrationInitializer.class);

	@Override
	public void lockWaiting(LockHolder holder, Duration waited) {
		logger.warn(
				"Waiting for the migration lock for " + waited.toSeconds() + " s; it is held by " + holder.describe());
	}

	@Override
	public void migrationApplied(Applied applied) {
		String what = (applied.version() != null) ? "version " + applied.version() : "repeatable";
		logger.info("Applied " + applied.script() + " (" + what + ") in " + applied.execution().toMillis() + " ms");
	}

}
