package dev.cairn.autoconfigure;

import java.time.Duration;

import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.MigrationState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters for Cairn: {@code cairn.migrate} per run (tag {@code outcome}), {@code cairn.migration} per
 * applied migration (tag {@code type}), {@code cairn.lock.wait} per run, and the {@code cairn.migrations.pending}
 * gauge.
 */
class CairnMetrics implements MigrationListener {

	private final MeterRegistry registry;

	CairnMetrics(MeterRegistry registry, MigrationSnapshot snapshot) {
		this.registry = registry;
		Gauge.builder("cairn.migrations.pending", snapshot, (recorded) -> recorded.count(MigrationState.PENDING))
			.description("Migrations not applied yet, as of the last run")
			.register(registry);
		snapshot.onRun((run) -> Timer.builder("cairn.migrate")
			.description("Time taken by a Cairn run, lock wait included")
			.tag("outcome", run.succeeded() ? "success" : "failure")
			.register(registry)
			.record(run.duration()));
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
		recordLockWait(result.lockWait());
	}

	@Override
	public void runFailed(MigrationException failure, Duration lockWait) {
		recordLockWait(lockWait);
	}

	private void recordLockWait(Duration lockWait) {
		Timer.builder("cairn.lock.wait")
			.description("Time a Cairn run waited for the migration lock")
			.register(this.registry)
			.record(lockWait);
	}

}
