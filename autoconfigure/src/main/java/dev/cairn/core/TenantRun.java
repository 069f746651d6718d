package dev.cairn.core;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What one tenant's last run did, and where its schema stood at the end of it.
 *
 * @param tenant the tenant's name, which is its schema's
 * @param state how the run ended
 * @param applied how many migrations it applied
 * @param startedAt when it started, or {@code null} when it never started
 * @param duration how long it took
 * @param error why it failed, or {@code null}
 * @param status every migration of the tenant with its state
 */
public record TenantRun(String tenant, State state, int applied, @Nullable Instant startedAt, Duration duration,
		@Nullable MigrationException error, MigrationStatus status) {

	static TenantRun notStarted(String tenant) {
		return new TenantRun(tenant, State.NOT_STARTED, 0, null, Duration.ZERO, null, MigrationStatus.empty());
	}

	/**
	 * How a tenant's run ended.
	 */
	public enum State {

		/** Nothing was pending, or, for a validation, the schema is up to date. */
		UP_TO_DATE,

		/** The run applied pending migrations and is now up to date. */
		MIGRATED,

		/** A validation found migrations pending. */
		PENDING,

		/** The run failed; see its error. */
		FAILED,

		/**
		 * The run never started, because another tenant failed first with
		 * {@code cairn.tenants.on-error=fail}.
		 */
		NOT_STARTED

	}

}
