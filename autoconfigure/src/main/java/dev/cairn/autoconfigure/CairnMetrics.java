package dev.cairn.autoconfigure;

import java.time.Duration;

import dev.cairn.core.FailedRun;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.MigrationState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Micrometer meters for Cairn: {@code cairn.migrate} per run (tag {@code outcome}),
 * {@code cairn.migration} per applied migration (tag {@code type}),
 * {@code cairn.lock.wait} per run, and the {@code cairn.migrations.pending} gauge.
 */
class CairnMetrics implements MigrationListener {

	private final MeterRegistry registry;

	CairnMetrics(MeterRegistry registry, MigrationSnapshot snapshot) {
		this.registry = registry;
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

}
