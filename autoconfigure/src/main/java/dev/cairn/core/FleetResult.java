package dev.cairn.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

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

	/**
	 * The message a fleet run fails with: how many tenants failed, each with its error,
	 * and what to do.
	 */
	String failure(TenantSettings.OnError onError) {
		List<TenantRun> failed = failed();
		int notStarted = count(TenantRun.State.NOT_STARTED);
		int total = this.tenants.size();
		StringBuilder message = new StringBuilder();
		message.append(failed.size())
			.append(" of ")
			.append(total)
			.append(plural(total, " tenant"))
			.append(" failed to ")
			.append(this.verb)
			.append(" (cairn.tenants.on-error=")
			.append(onError.value())
			.append(')');
		if (notStarted > 0) {
			message.append(", so ").append(notStarted).append(" did not start");
		}
		message.append(':');
		for (TenantRun run : failed) {
			String error = String.valueOf(Objects.requireNonNull(run.error()).getMessage());
			message.append("\n- ").append(run.tenant()).append(": ").append(error.replace("\n", "\n  "));
		}
		int fine = total - failed.size() - notStarted;
		message.append("\nFix what failed and restart: each tenant resumes where it stopped");
		if (fine > 0) {
			message.append(", and the ").append(fine).append(" that succeeded are left as they are");
		}
		return message.append('.').toString();
	}

	String summary() {
		int total = this.tenants.size();
		String what = this.verb.equals("migrate")
				? "Migrated " + total + plural(total, " tenant") + " in " + this.duration.toMillis() + " ms: "
						+ applied() + plural(applied(), " migration") + " applied, " + count(TenantRun.State.MIGRATED)
						+ " changed, " + count(TenantRun.State.UP_TO_DATE) + " already up to date"
				: "Validated " + total + plural(total, " tenant") + " in " + this.duration.toMillis() + " ms: "
						+ count(TenantRun.State.UP_TO_DATE) + " up to date, " + count(TenantRun.State.PENDING)
						+ " with pending migrations";
		return what;
	}

	private static String plural(int count, String word) {
		return (count == 1) ? word : word + "s";
	}

}
