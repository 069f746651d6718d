package dev.cairn.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationStatus;
import dev.cairn.core.MigrationType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the rollback command prints when it ends at a baseline, and only then.
 */
class CommandPrinterTests {

	private static final Instant STARTED = Instant.parse("2026-12-03T12:00:00Z");

	@Test
	void saysARollbackStoppedAtTheBaselineWhenItWasAskedToGoFurther() {
		MigrateResult result = rollback(List.of(undone("5")), status("3"));
		assertThat(CommandPrinter.rolledBack(result, "0")).isEqualTo("""
				Rolled back 1 migration in 40 ms; schema now at version 3.
				Stopped at the baseline at version 3: the schema up to it was there before Cairn, which never ran \
				those migrations and cannot undo them.

				Version  Description  Type      Script             Execution ms
				5        five         ROLLBACK  005_five.down.sql  4
				""");
		assertThat(CommandPrinter.rolledBack(result, null)).contains("Stopped at the baseline at version 3");
	}

	@Test
	void saysNothingOfTheBaselineWhenTheRollbackEndedAboveIt() {
		MigrateResult result = rollback(List.of(undone("6")), status("5"));
		assertThat(CommandPrinter.rolledBack(result, null)).doesNotContain("baseline");
		assertThat(CommandPrinter.rolledBack(result, "5")).doesNotContain("baseline");
	}

	private static MigrateResult rollback(List<MigrateResult.Applied> undone, MigrationStatus status) {
		return new MigrateResult(MigrateResult.Operation.ROLLBACK, STARTED, STARTED.plusMillis(40), Duration.ZERO,
				undone, status);
	}

	private static MigrateResult.Applied undone(String version) {
		String name = version.equals("5") ? "five" : "six";
		return new MigrateResult.Applied(version, name, MigrationType.ROLLBACK,
				"00" + version + "_" + name + ".down.sql", Duration.ofMillis(4));
	}

	private static MigrationStatus status(String current) {
		MigrationInfo baseline = new MigrationInfo("3", "baseline", MigrationType.BASELINE, "baseline 3",
				MigrationState.BASELINE, null, null, 1, "app", STARTED, 0, false);
		MigrationInfo five = new MigrationInfo("5", "five", MigrationType.SQL, "005_five.sql",
				current.equals("5") ? MigrationState.APPLIED : MigrationState.PENDING, "sha256:ab", null, null, null,
				null, null, true);
		return new MigrationStatus(List.of(baseline, five), List.of(), List.of(), current);
	}

}
