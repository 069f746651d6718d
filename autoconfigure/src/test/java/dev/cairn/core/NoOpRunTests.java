package dev.cairn.core;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.datasource.DelegatingDataSource;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run with nothing to do, what most application starts find, does only that work: it
 * reads the files and the history once, on one connection, and loads none of the classes
 * that apply migrations.
 */
class NoOpRunTests {

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	@Test
	void aRunWithNothingPendingOpensOneConnectionAndTakesNoLock() throws Exception {
		String location = Instances.location(scenario("many"));
		new Migrator(database.dataSource(), MigratorSettings.builder().locations(location).build()).migrate();
		AtomicInteger connections = new AtomicInteger();
		DelegatingDataSource counting = new DelegatingDataSource(database.dataSource()) {

			@Override
			public Connection getConnection() throws SQLException {
				connections.incrementAndGet();
				return super.getConnection();
			}

		};
		MigrateResult result = new Migrator(counting, MigratorSettings.builder().locations(location).build()).migrate();
		assertThat(result.applied()).isEmpty();
		assertThat(result.status().migrations()).hasSize(30).allMatch((m) -> m.state() == MigrationState.APPLIED);
		assertThat(result.lockWait()).isZero();
		assertThat(connections).hasValue(1);
	}

	@Test
	void aRunWithNothingPendingLoadsNeitherTheLexerNorTheExecutor(@TempDir Path folder) throws Exception {
		String location = Instances.location(scenario("many"));
		new Migrator(database.dataSource(), MigratorSettings.builder().locations(location).build()).migrate();
		Path classes = folder.resolve("classes.log");
		Path output = folder.resolve("output.txt");
		Process instance = Instances.start(database, location, "noop", "", output,
				List.of("-Xlog:class+load=info:file=" + classes));
		assertThat(instance.waitFor(2, TimeUnit.MINUTES)).isTrue();
		assertThat(Files.readString(output)).contains("finished applied=0");
		assertThat(instance.exitValue()).isZero();
		String loaded = Files.readString(classes);
		assertThat(loaded).contains(" dev.cairn.core.Migrator ", " dev.cairn.core.MigrationPlan ");
		for (String engine : List.of("SqlLexer", "SqlScript", "MigrationExecutor", "StatementRunner", "AdvisoryLock",
				"LockedRun", "Linter", "LockWaitWatcher")) {
			assertThat(loaded).doesNotContain(" dev.cairn.core." + engine + " ");
		}
		assertThat(loaded).doesNotContain("PathMatchingResourcePatternResolver");
	}

	private static Path scenario(String name) throws URISyntaxException {
		return Path.of(NoOpRunTests.class.getResource("/scenarios/" + name + "/").toURI());
	}

}
