package dev.cairn.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationVersion;
import dev.cairn.core.Migrator;
import org.jspecify.annotations.Nullable;

/**
 * What the last run did and where every migration stood at its end; the endpoint and the health indicator read it,
 * so that neither rescans the files or queries the history per request.
 * <p>
 * It is also a {@link MigrationListener} only to learn how long a failed run waited for the lock, which the
 * exception does not carry.
 */
public final class MigrationSnapshot implements MigrationListener {

	private volatile State state = new State(null, List.of());

	private volatile Duration failedRunLockWait = Duration.ZERO;

	private final List<Consumer<Run>> runObservers = new CopyOnWriteArrayList<>();

	/**
	 * Returns the last recorded run.
	 * @return the run, or {@code null} when none ran (for example with {@code cairn.mode=off})
	 */
	public @Nullable Run lastRun() {
		return this.state.lastRun();
	}

	/**
	 * Returns every migration with its state, as {@link Migrator#info()} reported it at the end of the last run.
	 * @return the migrations in the order they apply; empty when nothing was recorded
	 */
	public List<MigrationInfo> migrations() {
		return this.state.migrations();
	}

	/**
	 * Returns whether anything was recorded yet.
	 * @return whether a run or an info was recorded
	 */
	public boolean isRecorded() {
		return this.state.lastRun() != null || !this.state.migrations().isEmpty();
	}

	/**
	 * Returns the highest applied version.
	 * @return the version, or {@code null} when none is applied
	 */
	public @Nullable String currentVersion() {
		MigrationVersion current = null;
		for (MigrationInfo migration : this.state.migrations()) {
			String version = migration.version();
			if (version != null && isApplied(migration)) {
				MigrationVersion candidate = MigrationVersion.parse(version);
				if (current == null || candidate.compareTo(current) > 0) {
					current = candidate;
				}
			}
		}
		return (current != null) ? current.toString() : null;
	}

	/**
	 * Counts the migrations in one state.
	 * @param state the state to count
	 * @return how many migrations are in it
	 */
	public int count(MigrationState state) {
		return (int) this.state.migrations().stream().filter((migration) -> migration.state() == state).count();
	}

	/**
	 * Records a successful run and the migrations as they stand after it.
	 * @param result what the run did
	 */
	public void recordRun(MigrateResult result) {
		Run run = new Run(result.startedAt(), result.finishedAt(), result.lockWait(), result.applied().size(), null);
		record(run, result.migrations());
	}

	/**
	 * Records a failed run.
	 * @param startedAt when the run started
	 * @param finishedAt when it failed
	 * @param failure why it failed
	 * @param migrations the migrations as they stand after it, or an empty list when they could not be read
	 */
	public void recordFailure(Instant startedAt, Instant finishedAt, MigrationException failure,
			List<MigrationInfo> migrations) {
		Duration lockWait = this.failedRunLockWait;
		this.failedRunLockWait = Duration.ZERO;
		record(new Run(startedAt, finishedAt, lockWait, 0, failure), migrations);
	}

	/**
	 * Records the migrations without a run, for example after a validation.
	 * @param migrations {@link Migrator#info()}
	 */
	public void recordInfo(List<MigrationInfo> migrations) {
		this.state = new State(this.state.lastRun(), List.copyOf(migrations));
	}

	/**
	 * Registers a callback for every run recorded from now on.
	 * @param observer the callback
	 */
	public void onRun(Consumer<Run> observer) {
		this.runObservers.add(observer);
	}

	@Override
	public void runFailed(MigrationException failure, Duration lockWait) {
		this.failedRunLockWait = lockWait;
	}

	private void record(Run run, List<MigrationInfo> migrations) {
		this.state = new State(run, List.copyOf(migrations));
		this.runObservers.forEach((observer) -> observer.accept(run));
	}

	private static boolean isApplied(MigrationInfo migration) {
		return switch (migration.state()) {
			case APPLIED, MODIFIED, MISSING, BASELINE, FUTURE -> true;
			default -> false;
		};
	}

	/**
	 * One boot-time or requested run.
	 *
	 * @param startedAt when it started
	 * @param finishedAt when it finished or failed
	 * @param lockWait how long it waited for the migration lock
	 * @param applied how many migrations it applied
	 * @param error why it failed, or {@code null} when it succeeded
	 */
	public record Run(Instant startedAt, Instant finishedAt, Duration lockWait, int applied,
			@Nullable MigrationException error) {

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

	private record State(@Nullable Run lastRun, List<MigrationInfo> migrations) {

	}

}
