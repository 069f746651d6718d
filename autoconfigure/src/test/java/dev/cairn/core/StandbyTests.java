package dev.cairn.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import dev.cairn.test.PrivateCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A real streaming standby, made by the test: a private primary from {@code initdb} and a
 * standby from {@code pg_basebackup -R}, each on a free port of its own. Cairn refuses to
 * migrate the standby before taking any lock, and starts on it when nothing is pending.
 */
@Tag("slow")
class StandbyTests {

	private static PrivateCluster primary;

	private static PrivateCluster standby;

	@TempDir
	Path folder;

	@BeforeAll
	static void startPrimaryAndStandby() {
		primary = PrivateCluster.trusting();
		standby = primary.standby();
	}

	@AfterAll
	static void stopBoth() {
		if (standby != null) {
			standby.close();
		}
		if (primary != null) {
			primary.close();
		}
	}

	@Test
	void refusesTheStandbyBeforeTakingTheLockAndStartsOnItOnceThePrimaryIsUpToDate() throws Exception {
		Path migrations = Files.createDirectories(this.folder.resolve("migrations"));
		Files.writeString(migrations.resolve("001_accounts.sql"), "CREATE TABLE accounts (id bigint);\n");
		assertThatExceptionOfType(MigrationException.class).isThrownBy(() -> migrator(standby, migrations).migrate())
			.withMessage("Cairn is connected to a read-only standby (server 127.0.0.1:" + standby.port()
					+ ", pg_is_in_recovery() is true), where nothing can be migrated. Nothing was applied. Point "
					+ "cairn.url (or the application's DataSource) at the primary.");
		assertThat(migrator(primary, migrations).migrate().applied()).hasSize(1);
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!hasReplayedTheHistory()) {
			assertThat(System.nanoTime()).as("the standby replays the history").isLessThan(deadline);
			Thread.sleep(100);
		}
		MigrateResult onStandby = migrator(standby, migrations).migrate();
		assertThat(onStandby.applied()).isEmpty();
		assertThat(onStandby.currentVersion()).isEqualTo("1");
	}

	private static boolean hasReplayedTheHistory() throws Exception {
		try (Connection connection = standby.connect("postgres");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT to_regclass('cairn_history') IS NOT NULL")) {
			result.next();
			if (!result.getBoolean(1)) {
				return false;
			}
			try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM cairn_history")) {
				rows.next();
				return rows.getInt(1) > 0;
			}
		}
	}

	private static Migrator migrator(PrivateCluster cluster, Path migrations) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(cluster.url("postgres") + "?user=" + PrivateCluster.SUPERUSER);
		return new Migrator(dataSource,
				MigratorSettings.builder().locations(Instances.location(migrations)).lint(LintMode.OFF).build(),
				MigrationListener.NONE, List.of());
	}

}
