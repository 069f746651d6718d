package dev.cairn.core;

/**
 * Gives each tenant's run a listener of its own, such as one that records metrics tagged
 * with the tenant.
 */
@FunctionalInterface
public interface TenantListeners {

	/** Listeners that hear nothing. */
	TenantListeners NONE = (tenant, fleetSize) -> MigrationListener.NONE;

	/**
	 * Returns the listener of one tenant's run.
	 * @param tenant the tenant's name
	 * @param fleetSize how many tenants this machine runs: those of the fleet run, or,
	 * for one tenant migrated on demand, those of the last fleet run (at least 1)
	 * @return the listener
	 */
	MigrationListener listener(String tenant, int fleetSize);

}
