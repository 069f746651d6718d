package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight application instances, each in a JVM of its own, released together once all are
 * up, against one database with 50 pending migrations: every migration is applied exactly
 * once, every instance starts, exactly one holds the lock while all eight are connected,
 * and the ones that wait are told who holds it.
 */
class ConcurrentStartTests {

	private static final int INSTANCES = 8;

	private static final int MIGRATIONS = 50;

	private static final Pattern WAITING = Pattern
		.compile("lockWaiting pid=(\\d+) application_name=cairn lock \\S+/(\\d+) waited=.*");

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@TempDir
	Path folder;

	@Test
	void eightInstancesBootingTogetherApplyEveryMigrationExactlyOnce() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		for (int i = 1; i <= MIGRATIONS; i++) {
			String sql = "CREATE TABLE table_%03d (id bigint PRIMARY KEY);\n".formatted(i);
			if (i == 2) {
				// Slow enough that the instances waiting for the lock report its holder
				// at least once.
				sql += "SELECT pg_sleep(8);\n";
			}
			Files.writeString(migrations.resolve("%03d_table_%03d.sql".formatted(i, i)), sql);
		}
		Path go = this.folder.resolve("go");
		List<Process> processes = new ArrayList<>();
		List<Path> outputs = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			Path output = this.folder.resolve("instance-" + i + ".log");
			outputs.add(output);
			processes.add(Instances.start(this.database, Instances.location(migrations), "instance-" + i, "", output,
					List.of("-Dcairn.test.startFile=" + go)));
		}
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		awaitEvery(outputs, "ready");
		// Every JVM is up and waiting: they all connect and reach for the lock at once.
		Files.createFile(go);
		awaitQuery(jdbc, INSTANCES + " instances waiting for or holding the lock while 002 runs",
				"SELECT count(*) FILTER (WHERE application_name LIKE 'cairn lock %') = " + INSTANCES
						+ " AND count(*) FILTER (WHERE query LIKE '%pg_sleep(8)%' AND state = 'active') = 1 "
						+ "FROM pg_stat_activity WHERE datname = current_database()");
		assertThat(jdbc
			.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
					+ "(SELECT oid FROM pg_database WHERE datname = current_database())", Integer.class))
			.as("while all of them run, exactly one holds the migration lock")
			.isEqualTo(1);
		List<String> logs = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			Process process = processes.get(i);
			assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("instance-" + i + " finished").isTrue();
			String log = Files.readString(outputs.get(i), StandardCharsets.UTF_8);
			logs.add(log);
			assertThat(process.exitValue()).as("exit code of instance-%d, which printed:%n%s", i, log).isZero();
		}
		List<String> appliers = new ArrayList<>();
		int applied = 0;
		for (int i = 0; i < INSTANCES; i++) {
			int count = (int) logs.get(i).lines().filter((line) -> line.startsWith("applied ")).count();
			applied += count;
			if (count > 0) {
				appliers.add(String.valueOf(processes.get(i).pid()));
			}
		}
		assertThat(applied).isEqualTo(MIGRATIONS);
		assertThat(appliers).as("one instance applied all of them, in one run holding the lock").hasSize(1);
		List<String> waits = logs.stream()
			.flatMap(String::lines)
			.filter((line) -> line.startsWith("lockWaiting"))
			.toList();
		assertThat(waits).as("the waiting instances report the holder").isNotEmpty();
		for (String wait : waits) {
			Matcher matcher = WAITING.matcher(wait);
			assertThat(matcher.matches()).as(wait).isTrue();
			// The applier holds the lock longest; an instance that finds nothing left to
			// do holds it briefly too.
			assertThat(matcher.group(2)).as("the holder's lock session is named after its JVM: " + wait)
				.isIn(processes.stream().map((process) -> String.valueOf(process.pid())).toList());
			assertThat(wait).as("the holder's working session and its query are shown, not Cairn's look-ups")
				.containsPattern("migrating on pid \\d+, last query: ")
				.doesNotContain("pg_blocking_pids", "pg_try_advisory_lock");
		}
		assertThat(jdbc.queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isEqualTo(MIGRATIONS);
		assertThat(jdbc.queryForObject("SELECT count(DISTINCT version) FROM cairn_history", Integer.class))
			.isEqualTo(MIGRATIONS);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM cairn_history WHERE NOT success", Integer.class)).isZero();
		assertThat(jdbc.queryForList(
				"SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'table\\_%' " + "ORDER BY relname",
				String.class))
			.hasSize(MIGRATIONS)
			.doesNotHaveDuplicates()
			.startsWith("table_001")
			.endsWith("table_050");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
				+ "(SELECT oid FROM pg_database WHERE datname = current_database())", Integer.class))
			.isZero();
	}

	private static void awaitEvery(List<Path> outputs, String line) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		for (Path output : outputs) {
			while (!Files.readString(output, StandardCharsets.UTF_8).lines().anyMatch(line::equals)) {
				assertThat(System.nanoTime())
					.as("%s printed %s:%n%s", output.getFileName(), line,
							Files.readString(output, StandardCharsets.UTF_8))
					.isLessThan(deadline);
				Thread.sleep(20);
			}
		}
	}

	private static void awaitQuery(JdbcTemplate jdbc, String what, String sql) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!Boolean.TRUE.equals(jdbc.queryForObject(sql, Boolean.class))) {
			assertThat(System.nanoTime()).as(what).isLessThan(deadline);
			Thread.sleep(20);
		}
	}

}
