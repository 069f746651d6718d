package dev.cairn.autoconfigure;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import dev.cairn.core.FleetResult;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationStatus;
import dev.cairn.core.MigrationVersion;
import dev.cairn.core.Migrator;
import dev.cairn.core.TenantMigrations;
import dev.cairn.core.TenantRun;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;

/**
 * Runs one {@code cairn.command} verb against the database, prints its result, and says
 * which exit code the JVM should end with.
 */
final class MigrationCommand {

	static final int SUCCESS = 0;

	static final int FAILURE = 1;

	static final int USAGE = 2;

	static final List<String> VERBS = List.of("status", "migrate", "validate", "plan", "rollback", "baseline",
			"repair");

	private final CairnProperties properties;

	private final Supplier<@Nullable Migrator> migrator;

	private final PrintStream out;

	private final PrintStream err;

	private final Supplier<@Nullable TenantMigrations> tenants;

	MigrationCommand(CairnProperties properties, Supplier<@Nullable Migrator> migrator, PrintStream out,
			PrintStream err) {
		this(properties, migrator, () -> null, out, err);
	}

	MigrationCommand(CairnProperties properties, Supplier<@Nullable Migrator> migrator,
			Supplier<@Nullable TenantMigrations> tenants, PrintStream out, PrintStream err) {
		this.properties = properties;
		this.migrator = migrator;
		this.tenants = tenants;
		this.out = out;
		this.err = err;
	}

	/**
	 * Runs the command.
	 * @return the exit code: {@link #SUCCESS}, {@link #FAILURE} or {@link #USAGE}
	 */
	int run() {
		String verb = String.valueOf(this.properties.getCommand()).strip().toLowerCase(Locale.ROOT);
		String usageProblem = usageProblem(verb);
		if (usageProblem != null) {
			return fail(USAGE, usageProblem);
		}
		try {
			Migrator migrator = this.migrator.get();
			if (migrator == null) {
				return fail(FAILURE, "Cairn cannot run '" + verb + "': it is disabled (cairn.enabled=false) or found no"
						+ " single DataSource. Set spring.datasource.url (or cairn.url) and try again.");
			}
			String tenant = this.properties.getTenant();
			TenantMigrations tenants = this.tenants.get();
			if (tenant != null && !tenant.isBlank()) {
				if (tenants == null) {
					return fail(USAGE, "cairn.tenant is " + tenant + " but no tenants are configured. Set "
							+ "cairn.tenants.schemas or cairn.tenants.query, or define a TenantSource bean.");
				}
				return run(verb, tenants.migrator(tenant));
			}
			int code = run(verb, migrator);
			if (code == SUCCESS && tenants != null && (verb.equals("migrate") || verb.equals("validate"))) {
				return fleet(verb, tenants);
			}
			return code;
		}
		catch (RuntimeException ex) {
			return fail(FAILURE, "cairn " + verb + " failed: " + message(ex));
		}
	}

	private int run(String verb, Migrator migrator) {
		switch (verb) {
			case "status" -> print(CommandPrinter.status(migrator.status()));
			case "migrate" -> print(CommandPrinter.migrated(migrator.migrate()));
			case "plan" -> print(CommandPrinter.planned(migrator.plan(), migrator.status().current()));
			case "rollback" -> print(CommandPrinter.rolledBack(rollback(migrator), this.properties.getTarget()));
			case "baseline" -> print(CommandPrinter.baselined(migrator.baseline(baselineVersion())));
			case "repair" ->
				print(CommandPrinter.repaired(migrator.repair(this.properties.getRepair().getMarkApplied())));
			case "validate" -> {
				return validate(migrator);
			}
			default -> throw new IllegalStateException("Unknown verb " + verb);
		}
		return SUCCESS;
	}

	private int fleet(String verb, TenantMigrations tenants) {
		try {
			FleetResult result = verb.equals("migrate") ? tenants.migrateAll() : tenants.validateAll();
			print(CommandPrinter.tenants(result.tenants()));
			boolean pending = result.count(TenantRun.State.PENDING) > 0;
			return (result.failed().isEmpty() && !pending) ? SUCCESS : FAILURE;
		}
		catch (MigrationException ex) {
			this.err.print(CommandPrinter.tenants(tenants.runs()));
			return fail(FAILURE, "cairn " + verb + " failed: " + ex.getMessage());
		}
	}

	private MigrateResult rollback(Migrator migrator) {
		String count = this.properties.getCount();
		if (count == null) {
			return migrator.rollback(String.valueOf(this.properties.getTarget()));
		}
		return isAll(count) ? migrator.rollbackAll() : migrator.rollbackLast(Integer.parseInt(count.strip()));
	}

	private int validate(Migrator migrator) {
		MigrationStatus status;
		try {
			status = migrator.validate();
		}
		catch (MigrationException ex) {
			this.err.print(CommandPrinter.invalid(migrator.status(), ex.getMessage()));
			this.err.flush();
			return FAILURE;
		}
		if (status.pending().isEmpty()) {
			print(CommandPrinter.valid(status));
			return SUCCESS;
		}
		this.err.print(CommandPrinter.invalid(status, null));
		this.err.flush();
		return FAILURE;
	}

	private static boolean isAll(String count) {
		return count.strip().equalsIgnoreCase("all");
	}

	private @Nullable String usageProblem(String verb) {
		if (!VERBS.contains(verb)) {
			return "Unknown cairn.command '" + this.properties.getCommand() + "'. Use one of: "
					+ String.join(", ", VERBS) + ".";
		}
		String target = this.properties.getTarget();
		if (target != null && !MigrationVersion.isVersion(target)) {
			return "cairn.target '" + target + "' is not a version: use digits, optionally dotted (0, 3, 1.2).";
		}
		String count = this.properties.getCount();
		if (count != null && !verb.equals("rollback")) {
			return "cairn.count only applies to the rollback command, not to " + verb + ". Remove --cairn.count.";
		}
		if (verb.equals("rollback")) {
			if (count == null && this.properties.getTarget() == null) {
				return "Rollback needs to know how far to go: pass --cairn.count=all to undo everything, "
						+ "--cairn.target=<version> to return to a version (it stays applied), or --cairn.count=1 to "
						+ "undo the last one.";
			}
			if (count != null && this.properties.getTarget() != null) {
				return "Rollback takes either --cairn.target or --cairn.count, not both.";
			}
			if (count != null && !isAll(count)
					&& !(count.strip().matches("\\d{1,9}") && Integer.parseInt(count.strip()) >= 1)) {
				return "cairn.count must be a number of at least 1, or all, not " + count + ".";
			}
		}
		if (verb.equals("baseline") && this.properties.getTarget() == null
				&& this.properties.getBaselineVersion() == null) {
			return "Baseline needs the version the existing schema corresponds to: pass --cairn.target=<version>.";
		}
		return null;
	}

	private static String message(RuntimeException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof MigrationException failure) {
				return String.valueOf(failure.getMessage());
			}
		}
		Throwable root = NestedExceptionUtils.getMostSpecificCause(ex);
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

	private String baselineVersion() {
		String target = this.properties.getTarget();
		return (target != null) ? target : String.valueOf(this.properties.getBaselineVersion());
	}

	private void print(String text) {
		this.out.print(text);
		this.out.flush();
	}

	private int fail(int code, String message) {
		this.err.println(message);
		this.err.flush();
		return code;
	}

}
