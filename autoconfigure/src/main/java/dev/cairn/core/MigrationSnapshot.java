package dev.cairn.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the last run did and where the schema stood at its end, kept up to date by the
 * run's events; the endpoint and the health indicator read it, so that neither rescans
 * the files or queries the history per request.
 */
public final class MigrationSnapshot implements MigrationListener {

	private volatile State state = new State(null, null);

	/**
	 * Returns the last recorded run.
	 * @return the run, or {@code null} when none ran (for example with
	 * {@code cairn.mode=off})
	 */
	public @Nullable Run lastRun() {
		return this.state.lastRun();
	}

	/**
	 * Returns where the schema stood at the end of the last run.
	 * @return the status; empty when nothing was recorded
	 */
	public MigrationStatus status() {
		MigrationStatus status = this.state.status();
		return (status != null) ? status : MigrationStatus.empty();
	}

	/**
	 * Returns whether anything was recorded yet.
	 * @return whether a run or a validation was recorded
	 */
	public boolean isRecorded() {
		return this.state.status() != null || this.state.lastRun() != null;
	}

	@Override
	public void runFinished(MigrateResult result) {
		Run run = new Run(result.operation(), result.startedAt(), result.finishedAt(), result.lockWait(),
				result.applied().size(), result.callbacks(), null);
		this.state = new State((result.operation() == MigrateResult.Operation.VALIDATE) ? this.state.lastRun() : run,
				result.status());
	}

	@Override
	public void runFailed(FailedRun failed) {
		Run run = new Run(failed.operation(), failed.startedAt(), failed.finishedAt(), failed.lockWait(), 0,
				java.util.List.of(), failed.error());
		this.state = new State(run, (failed.status() != null) ? failed.status() : this.state.status());
	}

	/**
	 * One run of a verb.
	 *
	 * @param operation the verb
	 * @param startedAt when it started
	 * @param finishedAt when it finished or failed
	 * @param lockWait how long it waited for the migration lock
	 * @param applied how many migrations it applied (or undid)
	 * @param callbacks the callback files it ran
	 * @param error why it failed, or {@code null} when it succeeded
	 */
	public record Run(MigrateResult.Operation operation, Instant startedAt, Instant finishedAt, Duration lockWait,
			int applied, java.util.List<String> callbacks, @Nullable MigrationException error) {

		/**
		 * Returns the wall time of the run.
		 * @return the duration from start to finish
		 */
		public Duration duration() {
			return Duration.between(this.startedAt, this.finishedAt);
		}

		/**
		 * Returns whether the run succeeded.
		 * @return whether it finished without error
		 */
		public boolean succeeded() {
			return this.error == null;
		}

	}

	private record State(@Nullable Run lastRun, @Nullable MigrationStatus status) {

	}

}
