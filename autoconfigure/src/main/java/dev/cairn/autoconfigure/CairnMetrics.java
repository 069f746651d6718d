package dev.cairn.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import dev.cairn.core.FailedRun;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.MigrationState;
import dev.cairn.core.TenantListeners;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters for Cairn: {@code cairn.migrate} per run (tag {@code outcome}),
 * {@code cairn.migration} per applied migration (tag {@code type}),
 * {@code cairn.lock.wait} per run, and the {@code cairn.migrations.pending} gauge; for
 * tenants, {@code cairn.tenant.migrate} per tenant run and {@code cairn.tenant.migration}
 * per migration applied to a tenant, tagged {@code tenant} only when the fleet has at
 * most {@code cairn.tenants.metrics-tag-limit} tenants. Whether they are tagged is
 * decided once, at the first tenant run, so that each meter keeps one set of tag keys for
 * the life of the process.
 */
class CairnMetrics implements MigrationListener, TenantListeners {

	private final MeterRegistry registry;

	private final int tenantTagLimit;

	private final AtomicReference<Boolean> tagTenants = new AtomicReference<>();

	CairnMetrics(MeterRegistry registry, MigrationSnapshot snapshot, int tenantTagLimit) {
		this.registry = registry;
		this.tenantTagLimit = tenantTagLimit;
		Gauge
			.builder("cairn.migrations.pending", snapshot,
					(recorded) -> recorded.status().count(MigrationState.PENDING))
			.description("Migrations not applied yet, as of the last run")
			.register(registry);
	}

	@Override
	public void migrationApplied(MigrateResult.Applied applied) {
		Timer.builder("cairn.migration")
			.description("Time taken to apply one migration")
			.tag("type", applied.type().name())
			.register(this.registry)
			.record(applied.execution());
	}

	@Override
	public void runFinished(MigrateResult result) {
		record(result.operation(), "success", result.duration(), result.lockWait());
	}

	@Override
	public void runFailed(FailedRun run) {
		record(run.operation(), "failure", run.duration(), run.lockWait());
	}

	@Override
	public MigrationListener listener(String tenant, int fleetSize) {
		this.tagTenants.compareAndSet(null, fleetSize <= this.tenantTagLimit);
		Tags tags = Boolean.TRUE.equals(this.tagTenants.get()) ? Tags.of("tenant", tenant) : Tags.empty();
		return new TenantMetrics(tags);
	}

	private void record(MigrateResult.Operation operation, String outcome, Duration duration, Duration lockWait) {
		if (operation == MigrateResult.Operation.VALIDATE) {
			return;
		}
		if (operation == MigrateResult.Operation.MIGRATE) {
			Timer.builder("cairn.migrate")
				.description("Time taken by a Cairn run, lock wait included")
				.tag("outcome", outcome)
				.register(this.registry)
				.record(duration);
		}
		Timer.builder("cairn.lock.wait")
			.description("Time a Cairn run waited for the migration lock")
			.register(this.registry)
			.record(lockWait);
	}

	/**
	 * The meters of one tenant's runs.
	 */
	private final class TenantMetrics implements MigrationListener {

		private final Tags tags;

		TenantMetrics(Tags tags) {
			this.tags = tags;
		}

		@Override
		public void migrationApplied(MigrateResult.Applied applied) {
			Timer.builder("cairn.tenant.migration")
				.description("Time taken to apply one migration to a tenant")
				.tags(this.tags)
				.tag("type", applied.type().name())
				.register(CairnMetrics.this.registry)
				.record(applied.execution());
		}

		@Override
		public void runFinished(MigrateResult result) {
			record(result.operation(), "success", result.duration());
		}

		@Override
		public void runFailed(FailedRun run) {
			record(run.operation(), "failure", run.duration());
		}

		private void record(MigrateResult.Operation operation, String outcome, Duration duration) {
			if (operation == MigrateResult.Operation.MIGRATE) {
				Timer.builder("cairn.tenant.migrate")
					.description("Time taken by one tenant's run, lock wait included")
					.tags(this.tags)
					.tag("outcome", outcome)
					.register(CairnMetrics.this.registry)
					.record(duration);
			}
		}

	}

}
