package dev.cairn.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance killed with SIGKILL in the middle of a migration leaves nothing of it
 * behind: no table, no history row, no lock; the next run applies it exactly once.
 */
class CrashTests {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	@Test
	void aKilledInstanceLeavesNothingBehindAndTheNextRunAppliesTheMigrationOnce() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_first.sql"), "CREATE TABLE first (id int);\n");
		Files.writeString(migrations.resolve("002_victim.sql"), """
				CREATE TABLE victim (id int);
				INSERT INTO victim VALUES (1);
				-- Long only for the instance that gets killed, which sets cairn_test.sleep.
				SELECT pg_sleep(coalesce(current_setting('cairn_test.sleep', true), '0')::float8);
				""");
		Process instance = Instances.start(this.database, Instances.location(migrations), "doomed",
				"-c cairn_test.sleep=600", this.folder.resolve("doomed.log"));
		List<Integer> backends = waitForWorkingSession(instance, this.folder.resolve("doomed.log"),
				"query LIKE 'SELECT pg_sleep%'");
		assertThat(instance.toHandle().destroyForcibly()).isTrue();
		assertThat(instance.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(instance.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
		waitUntilGone(backends);

		assertThat(jdbc().queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
				+ "(SELECT oid FROM pg_database WHERE datname = current_database())", Integer.class))
			.isZero();
		assertThat(jdbc().queryForObject("SELECT to_regclass('victim') IS NULL", Boolean.class)).isTrue();
		assertThat(jdbc().queryForList("SELECT script FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("001_first.sql");

		MigrateResult next = new Migrator(this.database.dataSource(),
				MigratorSettings.builder().locations(Instances.location(migrations)).build())
			.migrate();
		assertThat(next.applied()).extracting(MigrateResult.Applied::script).containsExactly("002_victim.sql");
		assertThat(jdbc().queryForObject("SELECT count(*) FROM victim", Integer.class)).isOne();
		assertThat(jdbc().queryForList("SELECT script FROM cairn_history ORDER BY installed_rank", String.class))
			.containsExactly("001_first.sql", "002_victim.sql");
	}

	/**
	 * A kill that lands while a {@code CREATE INDEX CONCURRENTLY} waits (here for a
	 * writer's open transaction) leaves the invalid index PostgreSQL made before the
	 * wait: the next run drops it and builds it again.
	 */
	@Test
	void anInstanceKilledDuringAConcurrentIndexBuildLeavesAnInvalidIndexThatTheNextRunRebuilds() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_events.sql"), """
				CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL);
				INSERT INTO events (kind) SELECT 'kind-' || g FROM generate_series(1, 1000) g;
				""");
		Files.writeString(migrations.resolve("002_events_kind.sql"), """
				-- cairn:no-transaction
				CREATE INDEX CONCURRENTLY events_kind ON events (kind);
				""");
		MigratorSettings.Builder settings = MigratorSettings.builder().locations(Instances.location(migrations));
		new Migrator(this.database.dataSource(), settings.target("1").build()).migrate();
		try (Connection writer = this.database.connect(); Statement statement = writer.createStatement()) {
			writer.setAutoCommit(false);
			statement.execute("INSERT INTO events (kind) VALUES ('written while the index is built')");
			Process instance = Instances.start(this.database, Instances.location(migrations), "doomed", "",
					this.folder.resolve("doomed.log"));
			List<Integer> backends = waitForWorkingSession(instance, this.folder.resolve("doomed.log"),
					"wait_event_type = 'Lock' AND query LIKE 'CREATE INDEX CONCURRENTLY%'");
			assertThat(instance.toHandle().destroyForcibly()).isTrue();
			assertThat(instance.waitFor(30, TimeUnit.SECONDS)).isTrue();
			waitUntilGone(backends);
			writer.rollback();
		}
		assertThat(jdbc().queryForObject("SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind'::regclass",
				Boolean.class))
			.as("the kill left the invalid index of the interrupted build")
			.isFalse();
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history WHERE version = '2' AND success",
				Integer.class))
			.isZero();

		MigrateResult next = new Migrator(this.database.dataSource(), settings.target(null).build()).migrate();
		assertThat(next.applied()).extracting(MigrateResult.Applied::script).containsExactly("002_events_kind.sql");
		assertThat(jdbc().queryForObject("SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind'::regclass",
				Boolean.class))
			.as("rebuilt, not kept invalid by IF NOT EXISTS or skipped")
			.isTrue();
		assertThat(jdbc().queryForObject("SELECT count(*) FROM pg_index WHERE NOT indisvalid", Integer.class)).isZero();
	}

	/**
	 * Kills instances at seeded random moments, again and again, until one finishes:
	 * every migration ends up applied exactly once, whatever moment each kill hit.
	 */
	@Test
	@Tag("slow")
	void instancesKilledAtRandomMomentsStillApplyEveryMigrationExactlyOnce() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		int count = 40;
		for (int i = 1; i <= count; i++) {
			String sql = (i % 5 == 0) ? """
					-- cairn:no-transaction
					CREATE TABLE IF NOT EXISTS step_%1$03d (id int PRIMARY KEY);
					INSERT INTO step_%1$03d VALUES (1) ON CONFLICT DO NOTHING;
					SELECT pg_sleep(0.3);
					CREATE INDEX CONCURRENTLY IF NOT EXISTS step_%1$03d_id ON step_%1$03d (id);
					""" : """
					CREATE TABLE step_%1$03d (id int PRIMARY KEY);
					INSERT INTO step_%1$03d VALUES (1);
					SELECT pg_sleep(0.3);
					""";
			Files.writeString(migrations.resolve("%03d_step.sql".formatted(i)), sql.formatted(i));
		}
		Random random = new Random(42);
		int kills = 0;
		for (int round = 0; round < 100; round++) {
			Process instance = Instances.start(this.database, Instances.location(migrations), "round-" + round, "",
					this.folder.resolve("round-" + round + ".log"));
			if (instance.waitFor(1_000 + random.nextInt(2_000), TimeUnit.MILLISECONDS)) {
				assertThat(instance.exitValue()).as(Files.readString(this.folder.resolve("round-" + round + ".log")))
					.isZero();
				break;
			}
			List<Integer> backends = jdbc().queryForList(
					"SELECT pid FROM pg_stat_activity WHERE datname = "
							+ "current_database() AND (application_name = ? OR application_name LIKE ?)",
					Integer.class, "round-" + round, "cairn %/" + instance.pid());
			instance.toHandle().destroyForcibly();
			assertThat(instance.waitFor(30, TimeUnit.SECONDS)).isTrue();
			if (!backends.isEmpty()) {
				// Only a kill that finds the instance connected can interrupt a run.
				kills++;
			}
			waitUntilGone(backends);
		}
		assertThat(kills).as("instances killed while connected, before one finished").isGreaterThan(3);
		assertThat(jdbc().queryForObject("SELECT count(*) FROM cairn_history WHERE success", Integer.class))
			.isEqualTo(count);
		assertThat(
				jdbc().queryForObject("SELECT count(DISTINCT version) FROM cairn_history WHERE success", Integer.class))
			.isEqualTo(count);
		for (int i = 1; i <= count; i++) {
			assertThat(jdbc().queryForObject("SELECT count(*) FROM step_%03d".formatted(i), Integer.class))
				.as("rows of step_%03d", i)
				.isOne();
		}
		assertThat(jdbc().queryForObject("SELECT count(*) FROM pg_index WHERE NOT indisvalid", Integer.class)).isZero();
	}

	/**
	 * Waits until the instance's working connection runs a statement matching the
	 * condition (it keeps its application_name while it does), and returns the pids of
	 * all of the instance's sessions.
	 */
	private List<Integer> waitForWorkingSession(Process instance, Path log, String condition) {
		String working = "cairn migrate " + ApplicationName.host() + "/" + instance.pid();
		Sessions.await(jdbc(),
				"application_name = '" + working.replace("'", "''") + "' AND state = 'active' AND " + condition,
				instance::isAlive,
				() -> "The instance never ran " + condition + "; it printed:\n" + read(log) + "\nSessions: "
						+ jdbc().queryForList("SELECT pid, application_name, state, query FROM pg_stat_activity "
								+ "WHERE datname = current_database()"));
		return jdbc().queryForList(
				"SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
						+ "AND (application_name = 'doomed' OR application_name LIKE ?)",
				Integer.class, "cairn %/" + instance.pid());
	}

	private static String read(Path log) {
		try {
			return Files.readString(log);
		}
		catch (java.io.IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

	private void waitUntilGone(List<Integer> pids) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			if (jdbc().queryForObject("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (?)", Integer.class,
					(Object) pids.toArray(new Integer[0])) == 0) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("The killed instance's sessions " + pids + " are still there after 30 s: "
				+ jdbc().queryForList("SELECT pid, state, query FROM pg_stat_activity WHERE pid = ANY (?)",
						(Object) pids.toArray(new Integer[0])));
	}

	private JdbcTemplate jdbc() {
		return new JdbcTemplate(this.database.dataSource());
	}

}
