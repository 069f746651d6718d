package dev.cairn.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.cairn.core.FailedRun;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.MigrationState;
import dev.cairn.core.MigrationStatus;
import dev.cairn.core.MigrationType;
import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MigrationsEndpoint} and {@link CairnHealthIndicator} over a hand-made
 * snapshot.
 */
class MigrationsEndpointTests {

	private static final Instant STARTED = Instant.parse("2026-11-21T22:40:00Z");

	private final MigrationSnapshot snapshot = new MigrationSnapshot();

	private final MigrationsEndpoint endpoint = new MigrationsEndpoint(this.snapshot,
			new Migrator(new SimpleDriverDataSource(), MigratorSettings.defaults()));

	@Test
	void describesTheLastRunAndEveryMigration() {
		this.snapshot.runFinished(
				result(applied("1", "001_projects.sql"), applied("2", "002_seed.sql"), pending("3", "003_more.sql")));
		MigrationsEndpoint.MigrationsDescriptor descriptor = this.endpoint.migrations();
		assertThat(descriptor.currentVersion()).isEqualTo("2");
		assertThat(descriptor.summary()).isEqualTo(new MigrationsEndpoint.Summary(2, 1, 0, 0, 0));
		assertThat(descriptor.lastRun().durationMs()).isEqualTo(183);
		assertThat(descriptor.lastRun().lockWaitMs()).isEqualTo(5);
		assertThat(descriptor.lastRun().applied()).isEqualTo(1);
		assertThat(descriptor.lastRun().error()).isNull();
		assertThat(descriptor.migrations()).extracting(MigrationsEndpoint.MigrationDescriptor::script)
			.containsExactly("001_projects.sql", "002_seed.sql", "003_more.sql");
	}

	@Test
	void serializesToTheDocumentedShapeWithExplicitNulls() {
		this.snapshot.runFinished(result(applied("1", "001_projects.sql"), pending("2", "002_seed.sql")));
		JsonMapper mapper = JsonMapper.builder()
			.changeDefaultPropertyInclusion((inclusion) -> inclusion
				.withValueInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL))
			.build();
		JsonNode json = mapper.valueToTree(this.endpoint.migrations());
		assertThat(json.propertyNames()).containsExactly("currentVersion", "summary", "lastRun", "migrations");
		assertThat(json.get("summary").propertyNames()).containsExactly("applied", "pending", "failed", "modified",
				"missing");
		assertThat(json.get("lastRun").propertyNames()).containsExactly("startedAt", "finishedAt", "durationMs",
				"applied", "lockWaitMs", "callbacks", "error");
		assertThat(json.get("lastRun").get("error").isNull()).isTrue();
		assertThat(json.get("lastRun").get("startedAt").asString()).isEqualTo("2026-11-21T22:40:00Z");
		JsonNode pending = json.get("migrations").get(1);
		assertThat(pending.propertyNames()).containsExactly("version", "description", "type", "script", "state",
				"checksum", "installedRank", "installedBy", "installedOn", "executionMs", "hasDown");
		assertThat(pending.get("installedOn").isNull()).isTrue();
		assertThat(pending.get("state").asString()).isEqualTo("PENDING");
	}

	@Test
	void selectsOneMigrationByVersionOrScript() {
		this.snapshot.runFinished(result(applied("1", "001_projects.sql"), applied("2", "002_seed.sql")));
		assertThat(this.endpoint.migration("002").script()).isEqualTo("002_seed.sql");
		assertThat(this.endpoint.migration("2").script()).isEqualTo("002_seed.sql");
		assertThat(this.endpoint.migration("001_projects.sql").version()).isEqualTo("1");
		assertThat(this.endpoint.migration("9")).isNull();
		assertThat(this.endpoint.migration("nope")).isNull();
	}

	@Test
	void showsAFailedRun() {
		MigrationException failure = MigrationException.fromDatabase(
				"Migration 002_seed.sql failed at line 3, column 7: boom", "002_seed.sql", "42601", 3, 7, null);
		this.snapshot.runFailed(new FailedRun(MigrateResult.Operation.MIGRATE, STARTED, STARTED.plusMillis(40),
				Duration.ofMillis(12), failure, status(info("1", "001_projects.sql", MigrationState.APPLIED),
						info("2", "002_seed.sql", MigrationState.PENDING))));
		MigrationsEndpoint.RunError error = this.endpoint.migrations().lastRun().error();
		assertThat(error)
			.isEqualTo(new MigrationsEndpoint.RunError(failure.getMessage(), "002_seed.sql", 3, 7, "42601"));
		assertThat(this.endpoint.migrations().lastRun().lockWaitMs()).isEqualTo(12);
		Health health = new CairnHealthIndicator(this.snapshot).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("error", failure.getMessage()).containsEntry("pending", 1);
	}

	@Test
	void healthIsDownWhenAMigrationWasModified() {
		this.snapshot.runFinished(result(info("1", "001_projects.sql", MigrationState.MODIFIED)));
		Health health = new CairnHealthIndicator(this.snapshot).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("modified", 1);
	}

	@Test
	void healthIsUpWithPendingMigrations() {
		this.snapshot.runFinished(result(applied("1", "001_projects.sql"), pending("2", "002_seed.sql")));
		Health health = new CairnHealthIndicator(this.snapshot).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("currentVersion", "1").containsEntry("pending", 1);
	}

	@Test
	void healthIsUnknownBeforeAnyRun() {
		assertThat(new CairnHealthIndicator(this.snapshot).health(true).getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(this.endpoint.migrations().lastRun()).isNull();
		assertThat(this.endpoint.migrations().migrations()).isEmpty();
	}

	private static MigrateResult result(MigrationInfo... migrations) {
		return new MigrateResult(MigrateResult.Operation.MIGRATE, STARTED, STARTED.plusMillis(183),
				Duration.ofMillis(5), List.of(new MigrateResult.Applied("1", "projects", MigrationType.SQL,
						"001_projects.sql", Duration.ofMillis(41))),
				status(migrations));
	}

	/**
	 * A status as the engine's plan would make it: pending what is pending, current the
	 * highest applied version.
	 */
	private static MigrationStatus status(MigrationInfo... migrations) {
		List<MigrationInfo> pending = List.of(migrations)
			.stream()
			.filter((migration) -> migration.state() == MigrationState.PENDING)
			.toList();
		String current = List.of(migrations)
			.stream()
			.filter((migration) -> migration.state() != MigrationState.PENDING)
			.map(MigrationInfo::version)
			.reduce(null, (a, b) -> b);
		return new MigrationStatus(List.of(migrations), pending, List.of(), current);
	}

	private static MigrationInfo applied(String version, String script) {
		return info(version, script, MigrationState.APPLIED);
	}

	private static MigrationInfo pending(String version, String script) {
		return info(version, script, MigrationState.PENDING);
	}

	private static MigrationInfo info(String version, String script, MigrationState state) {
		boolean applied = state != MigrationState.PENDING;
		return new MigrationInfo(version, script.substring(4, script.length() - 4).replace('_', ' '), MigrationType.SQL,
				script, state, "sha256:ab", applied ? "sha256:ab" : null, applied ? Integer.valueOf(version) : null,
				applied ? "app" : null, applied ? STARTED : null, applied ? 41 : null, false);
	}

}
