package dev.cairn.core;

import java.time.Duration;
import java.util.List;

/**
 * What a run over a fleet of tenants did, one {@link TenantRun} per tenant.
 *
 * @param verb {@code migrate} or {@code validate}
 * @param tenants each tenant's run, in the order the tenants were listed
 * @param duration the wall time of the whole run
 */
public record FleetResult(String verb, List<TenantRun> tenants, Duration duration) {

	public FleetResult {
		tenants = List.copyOf(tenants);
	}

	/**
	 * Returns the tenants that failed.
	 * @return their runs, in list order
	 */
	public List<TenantRun> failed() {
		return tenants.stream().filter((run) -> run.state() == TenantRun.State.FAILED).toList();
	}

	/**
	 * Counts the tenants whose run ended in a state.
	 * @param state the state
	 * @return how many
	 */
	public int count(TenantRun.State state) {
		return (int) this.tenants.stream().filter((run) -> run.state() == state).count();
	}

	/**
	 * Returns how many migrations the run applied over all tenants.
	 * @return the total
	 */
	public int applied() {
		return this.tenants.stream().mapToInt(TenantRun::applied).sum();
	}

}
