package dev.cairn.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.cairn.core.LockHolder;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationListener;

/**
 * Passes every event to each listener in turn.
 */
class CompositeMigrationListener implements MigrationListener {

	private final List<MigrationListener> listeners;

	CompositeMigrationListener(List<MigrationListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void lockWaiting(LockHolder holder, Duration waited) {
		this.listeners.forEach((listener) -> listener.lockWaiting(holder, waited));
	}

	@Override
	public void migrationApplied(MigrateResult.Applied applied) {
		this.listeners.forEach((listener) -> listener.migrationApplied(applied));
	}

	@Override
	public void runFinished(MigrateResult result) {
		this.listeners.forEach((listener) -> listener.runFinished(result));
	}

	@Override
	public void runFailed(MigrationException failure, Duration lockWait) {
		this.listeners.forEach((listener) -> listener.runFailed(failure, lockWait));
	}

}
