package dev.cairn.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MigrationPlanTests {

	private static final Instant ON = Instant.parse("2024-01-31T12:00:00Z");

	private static final MigratorSettings DEFAULTS = MigratorSettings.defaults();

	@Test
	void showsMigrationsWithUnchangedChecksumsAsApplied() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2")), history(applied(1, "1"), applied(2, "2")),
				DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.APPLIED);
		assertThat(plan.pending()).isEmpty();
		assertThat(plan.status().problemMessages()).isEmpty();
		assertThat(plan.status().current()).isEqualTo("2");
	}

	@Test
	void treatsAdoptedRowsAsApplied() {
		AppliedMigration adopted = row(1, "1", MigrationType.ADOPTED, script("1"), checksum(script("1")), true, null);
		AppliedMigration adoptedRepeatable = new AppliedMigration(2, null, "view", MigrationType.ADOPTED, "R__view.sql",
				checksum("R__view.sql"), "flyway", ON, 5, true, null);
		AppliedMigration changedRepeatable = new AppliedMigration(3, null, "other", MigrationType.ADOPTED,
				"R__other.sql", null, "flyway", ON, 5, true, null);
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2"), repeatable("view"), repeatable("other")),
				history(adopted, adoptedRepeatable, changedRepeatable), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.PENDING, MigrationState.PENDING,
				MigrationState.APPLIED);
		assertThat(plan.pending()).extracting(ResolvedMigration::script)
			.containsExactly("002_step.sql", "R__other.sql");
		assertThat(plan.status().current()).isEqualTo("1");
	}

	@Test
	void carriesHistoryDetailsOfAppliedMigrations() {
		MigrationPlan plan = MigrationPlan.of(files(file("1")), history(applied(7, "1")), DEFAULTS);
		MigrationInfo info = plan.status().migrations().get(0);
		assertThat(info.version()).isEqualTo("1");
		assertThat(info.description()).isEqualTo("step");
		assertThat(info.type()).isEqualTo(MigrationType.SQL);
		assertThat(info.script()).isEqualTo("001_step.sql");
		assertThat(info.checksum()).isEqualTo(checksum("001_step.sql"));
		assertThat(info.appliedChecksum()).isEqualTo(checksum("001_step.sql"));
		assertThat(info.installedRank()).isEqualTo(7);
		assertThat(info.installedBy()).isEqualTo("cairn");
		assertThat(info.installedOn()).isEqualTo(ON);
		assertThat(info.executionMs()).isEqualTo(5);
		assertThat(info.hasDown()).isFalse();
	}

	@Test
	void matchesHistoryRowsByVersionValue() {
		MigrationPlan plan = MigrationPlan.of(files(file("001")),
				history(row(1, "1.0", MigrationType.SQL, "001_step.sql", checksum("001_step.sql"), true, null)),
				DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED);
		assertThat(plan.status().problemMessages()).isEmpty();
	}

	@Test
	void showsMigrationsWithoutHistoryRowAsPending() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2"), file("3")), history(applied(1, "1")),
				DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.PENDING,
				MigrationState.PENDING);
		assertThat(pendingScripts(plan)).containsExactly("002_step.sql", "003_step.sql");
		assertThat(plan.status().problemMessages()).isEmpty();
		assertThat(plan.status().current()).isEqualTo("1");
		MigrationInfo pending = plan.status().migrations().get(1);
		assertThat(pending.appliedChecksum()).isNull();
		assertThat(pending.installedRank()).isNull();
		assertThat(pending.installedBy()).isNull();
		assertThat(pending.installedOn()).isNull();
		assertThat(pending.executionMs()).isNull();
	}

	@Test
	void hasNoCurrentVersionBeforeAnythingIsApplied() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2")), history(), DEFAULTS);
		assertThat(states(plan)).containsOnly(MigrationState.PENDING);
		assertThat(pendingScripts(plan)).containsExactly("001_step.sql", "002_step.sql");
		assertThat(plan.status().current()).isNull();
	}

	@Test
	void reportsModifiedMigrationWithBothChecksums() {
		ResolvedMigration changed = file("1", "sha256:" + "b".repeat(64));
		MigrationPlan plan = MigrationPlan.of(files(changed, file("2")),
				history(row(1, "1", MigrationType.SQL, "001_step.sql", "sha256:" + "a".repeat(64), true, null)),
				DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.MODIFIED, MigrationState.PENDING);
		assertThat(plan.status().problemMessages())
			.containsExactly("Migration 001_step.sql (version 1) was changed after it was "
					+ "applied: it was applied with checksum sha256:" + "a".repeat(64) + ", the file now has sha256:"
					+ "b".repeat(64)
					+ ". Restore the file as it was applied (for example with git checkout) and put the "
					+ "change in a new migration; or, if the database already matches the edited file, run repair to "
					+ "accept its checksum (repair runs none of it).");
		assertThat(plan.status().migrations().get(0).checksum()).isEqualTo("sha256:" + "b".repeat(64));
		assertThat(plan.status().migrations().get(0).appliedChecksum()).isEqualTo("sha256:" + "a".repeat(64));
		assertThat(pendingScripts(plan)).containsExactly("002_step.sql");
	}

	@Test
	void reportsMissingFileOfAppliedMigration() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("3")),
				history(applied(1, "1"), applied(2, "2"), applied(3, "3")), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.MISSING,
				MigrationState.APPLIED);
		assertThat(plan.status().migrations().get(1).script()).isEqualTo("002_step.sql");
		assertThat(plan.status().problemMessages()).containsExactly("Migration 002_step.sql (version 2) was applied on "
				+ "2024-01-31T12:00:00Z but its file is gone from [classpath:db/migrations]. Restore the file, or set "
				+ "cairn.ignore-missing=true if it was removed on purpose.");
	}

	@Test
	void toleratesMissingFileWhenIgnoreMissing() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("3")),
				history(applied(1, "1"), applied(2, "2"), applied(3, "3")),
				MigratorSettings.builder().ignoreMissing(true).build());
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.MISSING,
				MigrationState.APPLIED);
		assertThat(plan.status().problemMessages()).isEmpty();
		assertThat(plan.pending()).isEmpty();
	}

	@Test
	void reportsMissingFileOfAppliedRepeatable() {
		List<AppliedMigration> history = history(appliedRepeatable(1, "old view", checksum("R__old_view.sql")));
		MigrationPlan plan = MigrationPlan.of(files(), history, DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.MISSING);
		assertThat(plan.status().problemMessages())
			.containsExactly("Migration R__old_view.sql was applied on 2024-01-31T12:00:00Z "
					+ "but its file is gone from [classpath:db/migrations]. Restore the file, or set "
					+ "cairn.ignore-missing=true if it was removed on purpose.");
		assertThat(MigrationPlan.of(files(), history, MigratorSettings.builder().ignoreMissing(true).build())
			.status()
			.problems()).isEmpty();
	}

	@Test
	void reportsOutOfOrderMigrationNamingBothVersions() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2"), file("3")),
				history(applied(1, "1"), applied(2, "3")), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.OUT_OF_ORDER,
				MigrationState.APPLIED);
		assertThat(plan.status().problemMessages())
			.containsExactly("Migration 002_step.sql (version 2) is pending, but version 3 is "
					+ "already applied. Renumber it above 3, or set cairn.out-of-order=true to apply it anyway.");
		assertThat(plan.pending()).isEmpty();
	}

	@Test
	void appliesOutOfOrderMigrationWhenAllowed() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2"), file("3"), file("4")),
				history(applied(1, "1"), applied(2, "3")), MigratorSettings.builder().outOfOrder(true).build());
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.OUT_OF_ORDER,
				MigrationState.APPLIED, MigrationState.PENDING);
		assertThat(plan.status().problemMessages()).isEmpty();
		assertThat(pendingScripts(plan)).containsExactly("002_step.sql", "004_step.sql");
	}

	@Test
	void reportsFailedMigrationWithHowToRepair() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2"), file("3")),
				history(applied(1, "1"), failed(2, "2", 3)), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.FAILED, MigrationState.PENDING);
		assertThat(plan.status().problemMessages())
			.containsExactly("Migration 002_step.sql (version 2) failed part way on "
					+ "2024-01-31T12:00:00Z: it runs outside a transaction, and 3 of its statements ran and stay applied. "
					+ "Fix the cause (edit statement 4 or a later one, or fix the database), then run repair: it runs the "
					+ "file from statement 4 on, as long as statements 1-3 (which ran) are unchanged. If you completed "
					+ "the migration by hand, run repair with cairn.repair.mark-applied=2 instead.");
		assertThat(plan.status().current()).isEqualTo("1");
		assertThat(pendingScripts(plan)).containsExactly("003_step.sql");
	}

	@Test
	void reportsFailedMigrationWhoseFileIsGone() {
		MigrationPlan plan = MigrationPlan.of(files(file("1")), history(applied(1, "1"), failed(2, "2", 0)), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.FAILED);
		assertThat(plan.status().problemMessages()).singleElement()
			.asString()
			.startsWith("Migration 002_step.sql (version 2) failed "
					+ "part way on 2024-01-31T12:00:00Z: it runs outside a transaction, and 0 of its statements ran");
	}

	@Test
	void showsHistoryRowsAboveEveryFileAsFutureWithoutProblem() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2")),
				history(applied(1, "1"), applied(2, "2"), applied(3, "3")), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.FUTURE);
		assertThat(plan.status().migrations().get(2).version()).isEqualTo("3");
		assertThat(plan.status().problemMessages()).isEmpty();
		assertThat(plan.pending()).isEmpty();
		assertThat(plan.status().current()).isEqualTo("3");
	}

	@Test
	void showsBaselineMarkerAndSkipsFilesBelowIt() {
		MigrationPlan plan = MigrationPlan.of(files(file("3"), file("6")), history(baseline(1, "5")), DEFAULTS);
		assertThat(plan.status().migrations()).extracting(MigrationInfo::version).containsExactly("3", "5", "6");
		assertThat(states(plan)).containsExactly(MigrationState.BELOW_BASELINE, MigrationState.BASELINE,
				MigrationState.PENDING);
		assertThat(pendingScripts(plan)).containsExactly("006_step.sql");
		assertThat(plan.status().problemMessages()).isEmpty();
		assertThat(plan.status().current()).isEqualTo("5");
	}

	@Test
	void showsFileAtTheBaselineVersionAsTheBaseline() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("5"), file("6")),
				history(baseline(1, "5"), applied(2, "6")), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.BELOW_BASELINE, MigrationState.BASELINE,
				MigrationState.APPLIED);
		assertThat(plan.pending()).isEmpty();
		assertThat(plan.status().problemMessages()).isEmpty();
	}

	@Test
	void makesRolledBackVersionPendingAgain() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2")),
				history(applied(1, "1"), applied(2, "2"), rollback(3, "2")), DEFAULTS);
		assertThat(pendingScripts(plan)).containsExactly("002_step.sql");
		assertThat(plan.status().problemMessages()).isEmpty();
		assertThat(plan.status().current()).isEqualTo("1");
		MigrationInfo rolledBack = plan.status().migrations().get(1);
		assertThat(rolledBack.installedRank()).isNull();
		assertThat(rolledBack.installedOn()).isNull();
	}

	@Test
	void showsRolledBackVersionAsPendingWhileItsFileExists() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2")),
				history(applied(1, "1"), applied(2, "2"), rollback(3, "2")), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.PENDING);
	}

	@Test
	void showsRolledBackVersionWhoseFileIsGoneAsRolledBackWithoutAProblem() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("3")),
				history(applied(1, "1"), applied(2, "2"), rollback(3, "2")), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.ROLLED_BACK,
				MigrationState.PENDING);
		assertThat(plan.status().problemMessages()).isEmpty();
	}

	@Test
	void showsVersionAppliedAgainAfterRollbackAsApplied() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2")),
				history(applied(1, "1"), applied(2, "2"), rollback(3, "2"), applied(4, "2")), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.APPLIED);
		assertThat(plan.status().migrations().get(1).installedRank()).isEqualTo(4);
		assertThat(plan.pending()).isEmpty();
		assertThat(plan.status().current()).isEqualTo("2");
	}

	@Test
	void appliesNewRepeatable() {
		MigrationPlan plan = MigrationPlan.of(files(repeatable("view")), history(), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.PENDING);
		assertThat(pendingScripts(plan)).containsExactly("R__view.sql");
	}

	@Test
	void reappliesRepeatableOnlyWhenItsChecksumChanged() {
		List<AppliedMigration> history = history(appliedRepeatable(1, "changed", "sha256:old"),
				appliedRepeatable(2, "same", "sha256:old"), appliedRepeatable(3, "same", checksum("R__same.sql")));
		MigrationPlan plan = MigrationPlan.of(files(repeatable("changed"), repeatable("same")), history, DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.PENDING, MigrationState.APPLIED);
		assertThat(pendingScripts(plan)).containsExactly("R__changed.sql");
		assertThat(plan.status().migrations().get(1).installedRank()).isEqualTo(3);
		assertThat(plan.status().problemMessages()).isEmpty();
		assertThat(plan.status().current()).isNull();
	}

	@Test
	void limitsPendingToTarget() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2"), file("2.1"), file("3")), history(),
				MigratorSettings.builder().target("2").build());
		assertThat(pendingScripts(plan)).containsExactly("001_step.sql", "002_step.sql");
		assertThat(states(plan)).containsOnly(MigrationState.PENDING);
	}

	@Test
	void limitsOutOfOrderMigrationsToTarget() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2"), file("3")),
				history(applied(1, "1"), applied(2, "3")),
				MigratorSettings.builder().outOfOrder(true).target("1").build());
		assertThat(plan.pending()).isEmpty();
	}

	@Test
	void ordersMigrationsByVersionThenRepeatablesByName() {
		MigrationPlan plan = MigrationPlan.of(
				files(file("1"), file("1.1"), file("2"), file("10"), repeatable("a"), repeatable("b")),
				history(applied(1, "1"), applied(2, "1.5"), applied(3, "2"), applied(4, "11"),
						appliedRepeatable(5, "b", checksum("R__b.sql"))),
				MigratorSettings.builder().ignoreMissing(true).outOfOrder(true).build());
		assertThat(plan.status().migrations()).extracting(MigrationInfo::version)
			.containsExactly("1", "1.1", "1.5", "2", "10", "11", null, null);
		assertThat(plan.status().migrations()).extracting(MigrationInfo::script)
			.containsExactly("001_step.sql", "1.1_step.sql", "1.5_step.sql", "002_step.sql", "010_step.sql",
					"011_step.sql", "R__a.sql", "R__b.sql");
		assertThat(states(plan)).containsExactly(MigrationState.APPLIED, MigrationState.OUT_OF_ORDER,
				MigrationState.MISSING, MigrationState.APPLIED, MigrationState.OUT_OF_ORDER, MigrationState.FUTURE,
				MigrationState.PENDING, MigrationState.APPLIED);
	}

	@Test
	void ordersMissingRepeatablesByNameAmongTheOthers() {
		MigrationPlan plan = MigrationPlan.of(files(repeatable("b")),
				history(appliedRepeatable(1, "a", checksum("R__a.sql")),
						appliedRepeatable(2, "b", checksum("R__b.sql")),
						appliedRepeatable(3, "c", checksum("R__c.sql"))),
				MigratorSettings.builder().ignoreMissing(true).build());
		assertThat(plan.status().migrations()).extracting(MigrationInfo::description).containsExactly("a", "b", "c");
	}

	@Test
	void ordersPendingVersionedByVersionThenRepeatablesByName() {
		MigrationPlan plan = MigrationPlan.of(files(file("1"), file("2"), file("10"), repeatable("a"), repeatable("b")),
				history(), DEFAULTS);
		assertThat(pendingScripts(plan)).containsExactly("001_step.sql", "002_step.sql", "010_step.sql", "R__a.sql",
				"R__b.sql");
	}

	@Test
	void reportsEveryProblemAtOnce() {
		MigrationPlan plan = MigrationPlan.of(files(file("1", "sha256:changed"), file("2"), file("4")),
				history(applied(1, "1"), applied(2, "3"), applied(3, "4")), DEFAULTS);
		assertThat(states(plan)).containsExactly(MigrationState.MODIFIED, MigrationState.OUT_OF_ORDER,
				MigrationState.MISSING, MigrationState.APPLIED);
		assertThat(plan.status().problemMessages()).hasSize(3);
	}

	@Test
	void showsWhetherMigrationHasDownFile() {
		ResolvedMigration up = file("1");
		ResolvedMigration down = new ResolvedMigration(up.version(), "step", MigrationType.ROLLBACK,
				"001_step.down.sql", "classpath:db/migrations", "", checksum("001_step.down.sql"), null, null);
		ResolvedMigration withDown = new ResolvedMigration(up.version(), up.description(), up.type(), up.script(),
				up.location(), up.text(), up.checksum(), down, null);
		MigrationPlan plan = MigrationPlan.of(files(withDown, file("2")), history(applied(1, "1")), DEFAULTS);
		assertThat(plan.status().migrations()).extracting(MigrationInfo::hasDown).containsExactly(true, false);
	}

	@Test
	void refusesHistoryRowWhoseVersionIsNotAVersion() {
		assertThatExceptionOfType(MigrationException.class)
			.isThrownBy(() -> MigrationPlan.of(files(file("1")),
					history(row(3, "v1", MigrationType.SQL, "001_step.sql", checksum("001_step.sql"), true, null)),
					DEFAULTS))
			.withMessage("Row 3 of the history table has version 'v1', which is not a version (001_step.sql). The "
					+ "table was edited by hand; restore the row's version from the file name.");
	}

	private static List<ResolvedMigration> files(ResolvedMigration... migrations) {
		return Arrays.asList(migrations);
	}

	private static List<AppliedMigration> history(AppliedMigration... rows) {
		return Arrays.asList(rows);
	}

	private static ResolvedMigration file(String version) {
		return file(version, checksum(script(version)));
	}

	private static ResolvedMigration file(String version, String checksum) {
		return new ResolvedMigration(MigrationVersion.parse(version), "step", MigrationType.SQL, script(version),
				"classpath:db/migrations", "select 1;\n", checksum, null, null);
	}

	private static ResolvedMigration repeatable(String name) {
		String script = "R__" + name.replace(' ', '_') + ".sql";
		return new ResolvedMigration(null, name, MigrationType.REPEATABLE, script, "classpath:db/migrations",
				"select 1;\n", checksum(script), null, null);
	}

	private static AppliedMigration applied(int rank, String version) {
		return row(rank, version, MigrationType.SQL, script(version), checksum(script(version)), true, null);
	}

	private static AppliedMigration failed(int rank, String version, int statementsDone) {
		return row(rank, version, MigrationType.SQL_NO_TX, script(version), checksum(script(version)), false,
				statementsDone);
	}

	private static AppliedMigration rollback(int rank, String version) {
		String script = script(version).replace(".sql", ".down.sql");
		return row(rank, version, MigrationType.ROLLBACK, script, checksum(script), true, null);
	}

	private static AppliedMigration baseline(int rank, String version) {
		return new AppliedMigration(rank, version, "<< baseline >>", MigrationType.BASELINE, "<< baseline >>", null,
				"cairn", ON, 0, true, null);
	}

	private static AppliedMigration appliedRepeatable(int rank, String name, String checksum) {
		return new AppliedMigration(rank, null, name, MigrationType.REPEATABLE, "R__" + name.replace(' ', '_') + ".sql",
				checksum, "cairn", ON, 5, true, null);
	}

	private static AppliedMigration row(int rank, String version, MigrationType type, String script,
			@Nullable String checksum, boolean success, @Nullable Integer statementsDone) {
		return new AppliedMigration(rank, version, "step", type, script, checksum, "cairn", ON, 5, success,
				statementsDone);
	}

	/**
	 * Names a file like a project would, zero-padded below ten: {@code 001_step.sql},
	 * {@code 1.1_step.sql}.
	 */
	private static String script(String version) {
		return (version.contains(".") ? version : String.format("%03d", Integer.parseInt(version))) + "_step.sql";
	}

	private static String checksum(String script) {
		return MigrationText.checksum("-- " + script);
	}

	private static List<MigrationState> states(MigrationPlan plan) {
		return plan.status().migrations().stream().map(MigrationInfo::state).toList();
	}

	private static List<String> pendingScripts(MigrationPlan plan) {
		return plan.pending().stream().map(ResolvedMigration::script).toList();
	}

}
