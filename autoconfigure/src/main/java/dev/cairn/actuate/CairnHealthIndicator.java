package dev.cairn.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationStatus;
import dev.cairn.core.TenantMigrations;
import dev.cairn.core.TenantRun;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports {@code DOWN} when the last run failed or a migration is failed, modified or
 * missing; {@code UP} otherwise. Pending migrations do not make the application
 * unhealthy. Reads the {@link MigrationSnapshot}, never the database.
 */
public class CairnHealthIndicator extends AbstractHealthIndicator {

	private final MigrationSnapshot snapshot;

	private final @Nullable TenantMigrations tenants;

	/**
	 * Creates an indicator over a snapshot.
	 * @param snapshot the recorded runs and migrations
	 */
	public CairnHealthIndicator(MigrationSnapshot snapshot) {
		this(snapshot, null);
	}

	/**
	 * Creates an indicator over a snapshot and a fleet of tenants, which is DOWN while
	 * any tenant's last run failed.
	 * @param snapshot the recorded runs and migrations of the main schema
	 * @param tenants the tenants, or {@code null}
	 */
	public CairnHealthIndicator(MigrationSnapshot snapshot, @Nullable TenantMigrations tenants) {
		super("Cairn health check failed");
		this.snapshot = snapshot;
		this.tenants = tenants;
	}

	private Map<String, String> failedTenants() {
		Map<String, String> failed = new LinkedHashMap<>();
		if (this.tenants != null) {
			for (TenantRun run : this.tenants.runs()) {
				if (run.error() != null) {
					failed.put(run.tenant(), String.valueOf(run.error().getMessage()));
				}
			}
		}
		return failed;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.snapshot.isRecorded()) {
			builder.unknown().withDetail("reason", "Cairn has not run (cairn.mode=off)");
			return;
		}
		MigrationSnapshot.Run lastRun = this.snapshot.lastRun();
		MigrationStatus status = this.snapshot.status();
		MigrationException error = (lastRun != null) ? lastRun.error() : null;
		int failed = status.count(MigrationState.FAILED);
		int modified = status.count(MigrationState.MODIFIED);
		int missing = status.count(MigrationState.MISSING);
		Map<String, String> failedTenants = failedTenants();
		boolean up = error == null && failed == 0 && modified == 0 && missing == 0 && failedTenants.isEmpty();
		(up ? builder.up() : builder.down()).withDetail("pending", status.count(MigrationState.PENDING));
		String currentVersion = status.current();
		if (currentVersion != null) {
			builder.withDetail("currentVersion", currentVersion);
		}
		if (failed + modified + missing > 0) {
			builder.withDetail("failed", failed).withDetail("modified", modified).withDetail("missing", missing);
		}
		if (error != null) {
			builder.withDetail("error", String.valueOf(error.getMessage()));
		}
		if (this.tenants != null) {
			builder.withDetail("tenants", this.tenants.runs().size());
		}
		if (!failedTenants.isEmpty()) {
			builder.withDetail("failedTenants", failedTenants);
		}
	}

}
