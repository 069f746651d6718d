package dev.cairn.autoconfigure;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationVersion;
import dev.cairn.core.Migrator;
import org.jspecify.annotations.Nullable;

import org.springframework.core.NestedExceptionUtils;

/**
 * Runs one {@code cairn.command} verb against the database, prints its result, and says which exit code the JVM
 * should end with.
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

	MigrationCommand(CairnProperties properties, Supplier<@Nullable Migrator> migrator, PrintStream out,
			PrintStream err) {
		this.properties = properties;
		this.migrator = migrator;
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
			return run(verb, migrator);
		}
		catch (RuntimeException ex) {
			return fail(FAILURE, "cairn " + verb + " failed: " + message(ex));
		}
	}

	private int run(String verb, Migrator migrator) {
		String target = this.properties.getTarget();
		Integer count = this.properties.getCount();
		switch (verb) {
			case "status" -> print(CommandPrinter.status(migrator.info()));
			case "migrate" -> print(CommandPrinter.migrated(migrator.migrate()));
			case "plan" -> print(CommandPrinter.planned(migrator.plan(), currentVersion(migrator.info())));
			case "rollback" -> print(CommandPrinter
				.rolledBack((count != null) ? migrator.rollbackLast(count) : migrator.rollback(String.valueOf(target))));
			case "baseline" -> print(CommandPrinter.baselined(migrator.baseline(baselineVersion())));
			case "repair" -> print(CommandPrinter.repaired(migrator.repair()));
			case "validate" -> {
				return validate(migrator);
			}
			default -> throw new IllegalStateException("Unknown verb " + verb);
		}
		return SUCCESS;
	}

	private int validate(Migrator migrator) {
		List<MigrationInfo> migrations = migrator.info();
		String engineProblem = null;
		try {
			migrator.validate();
		}
		catch (MigrationException ex) {
			engineProblem = ex.getMessage();
		}
		List<MigrationInfo> problems = migrations.stream().filter(this::needsAttention).toList();
		if (problems.isEmpty() && engineProblem == null) {
			print(CommandPrinter.valid(migrations));
			return SUCCESS;
		}
		this.err.print(CommandPrinter.invalid(problems, engineProblem));
		this.err.flush();
		return FAILURE;
	}

	private boolean needsAttention(MigrationInfo migration) {
		return switch (migration.state()) {
			case PENDING -> withinTarget(migration);
			case OUT_OF_ORDER, FAILED, MODIFIED -> true;
			case MISSING -> !this.properties.isIgnoreMissing();
			default -> false;
		};
	}

	private boolean withinTarget(MigrationInfo migration) {
		String target = this.properties.getTarget();
		return target == null || migration.version() == null
				|| MigrationVersion.parse(migration.version()).compareTo(MigrationVersion.parse(target)) <= 0;
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
		Integer count = this.properties.getCount();
		if (count != null && !verb.equals("rollback")) {
			return "cairn.count only applies to the rollback command, not to " + verb + ". Remove --cairn.count.";
		}
		if (verb.equals("rollback")) {
			if (count == null && this.properties.getTarget() == null) {
				return "Rollback needs to know how far to go: pass --cairn.target=0 to undo everything, "
						+ "--cairn.target=<version> to return to a version, or --cairn.count=1 to undo the last one.";
			}
			if (count != null && this.properties.getTarget() != null) {
				return "Rollback takes either --cairn.target or --cairn.count, not both.";
			}
			if (count != null && count < 1) {
				return "cairn.count must be at least 1, not " + count + ".";
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

	private static @Nullable String currentVersion(List<MigrationInfo> migrations) {
		MigrationSnapshot snapshot = new MigrationSnapshot();
		snapshot.recordInfo(migrations);
		return snapshot.currentVersion();
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
