package dev.cairn.core;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.core.TenantSettings.OnError;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet run killed with SIGKILL while tenants are migrating, then run again: every
 * tenant ends complete, and nothing ran twice.
 */
class TenantCrashTests {

	private static final int TENANTS = 20;

	private static final String LOCATION = "classpath:scenarios/tenants/slow-fleet";

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	@Test
	void aKilledFleetRunResumesEveryTenantWhereItStopped() throws Exception {
		Process instance = start();
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
		while (complete(jdbc).size() < 4) {
			assertThat(Instant.now()).as("four tenants completed before the deadline").isBefore(deadline);
			assertThat(instance.isAlive()).as("the fleet run is still running").isTrue();
			Thread.sleep(50);
		}
		assertThat(instance.toHandle().destroyForcibly()).isTrue();
		assertThat(instance.waitFor(30, TimeUnit.SECONDS)).as("the killed fleet run exited").isTrue();
		assertThat(complete(jdbc)).as("the kill landed mid-fleet").hasSizeLessThan(TENANTS);
		List<String> tenants = IntStream.rangeClosed(1, TENANTS).mapToObj("t%02d"::formatted).toList();
		FleetResult resumed = new TenantMigrations(this.database.dataSource(),
				MigratorSettings.builder().lockWaitTimeout(Duration.ofMinutes(1)).build(),
				new TenantSettings(List.of(LOCATION), 4, OnError.FAIL, null), TenantSource.of(tenants))
			.migrateAll();
		assertThat(resumed.failed()).isEmpty();
		for (String tenant : tenants) {
			assertThat(jdbc.queryForList("SELECT version FROM " + tenant + ".cairn_history ORDER BY installed_rank",
					String.class))
				.as(tenant)
				.containsExactly("1", "2", "3");
			assertThat(jdbc.queryForObject("SELECT count(*) FROM " + tenant + ".accounts", Integer.class)).as(tenant)
				.isEqualTo(1);
		}
	}

	private Process start() throws Exception {
		String java = ProcessHandle.current().info().command().orElse("java");
		StringBuilder url = new StringBuilder(this.database.url());
		char separator = (url.indexOf("?") >= 0) ? '&' : '?';
		if (this.database.username() != null) {
			url.append(separator).append("user=").append(this.database.username());
			separator = '&';
		}
		if (this.database.password() != null) {
			url.append(separator).append("password=").append(this.database.password());
		}
		List<String> command = new ArrayList<>(
				List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
						FleetLauncher.class.getName(), url.toString(), LOCATION, String.valueOf(TENANTS), "4"));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.folder.resolve("fleet.log").toFile())
			.start();
	}

	private static List<String> complete(JdbcTemplate jdbc) {
		return jdbc
			.queryForList("SELECT table_schema::text FROM information_schema.tables "
					+ "WHERE table_name = 'accounts' AND table_schema LIKE 't%'", String.class)
			.stream()
			.filter((schema) -> jdbc.queryForObject("SELECT count(*) FROM " + schema + ".cairn_history",
					Integer.class) == 3)
			.toList();
	}

}
