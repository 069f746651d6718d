package dev.cairn.core;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * How {@link TenantMigrations} runs a fleet: which files each tenant gets, how many
 * tenants migrate at once, what a failed tenant does to the others, and which shard of
 * the fleet this machine takes.
 *
 * @param locations where the tenants' migration files live (the main schema's stay in
 * {@link MigratorSettings#locations()})
 * @param parallelism how many tenants migrate at once; each running tenant holds two
 * connections (the lock and the work), none once it is done
 * @param onError what a failed tenant does to the rest of the run
 * @param shard the part of the fleet this machine migrates, or {@code null} for all of it
 */
public record TenantSettings(List<String> locations, int parallelism, OnError onError, @Nullable TenantShard shard) {

	/** Where tenants' migration files are looked for by default. */
	public static final String DEFAULT_LOCATION = "classpath:db/tenants";

	/**
	 * How many tenants migrate at once by default: eight connections at most, which
	 * Hikari's default pool of ten carries.
	 */
	public static final int DEFAULT_PARALLELISM = 4;

	public TenantSettings {
		locations = List.copyOf(locations);
		if (locations.isEmpty()) {
			throw new MigrationException("cairn.tenants.locations is empty. Name at least one location, for example "
					+ DEFAULT_LOCATION + ".");
		}
		if (parallelism < 1) {
			throw new MigrationException("cairn.tenants.parallelism is " + parallelism
					+ ". Use 1 or more: how many tenants migrate at once.");
		}
	}

	/**
	 * Returns the defaults.
	 * @return the default settings, for every tenant
	 */
	public static TenantSettings defaults() {
		return new TenantSettings(List.of(DEFAULT_LOCATION), DEFAULT_PARALLELISM, OnError.FAIL, null);
	}

	/**
	 * What a failed tenant does to the rest of the run.
	 */
	public enum OnError {

		/**
		 * Start no more tenants, let the running ones finish, then fail naming the failed
		 * ones.
		 */
		FAIL,

		/**
		 * Migrate every other tenant, then fail naming each failed tenant with its error.
		 */
		CONTINUE,

		/**
		 * Migrate every other tenant and go on: the failed ones are reported, and DOWN in
		 * the health indicator, but the application starts.
		 */
		CONTINUE_AND_START;

		/**
		 * Returns the property value that selects this mode.
		 * @return {@code fail}, {@code continue} or {@code continue-and-start}
		 */
		public String value() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}
