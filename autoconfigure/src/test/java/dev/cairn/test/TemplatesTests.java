package dev.cairn.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.core.JavaMigration;
import dev.cairn.core.MigratorSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Template databases and their clones on a real server: built once, keyed by what decides
 * the schema, cloned independently, cleaned after a crash.
 */
class TemplatesTests {

	private static TestServer server;

	@BeforeAll
	static void server() {
		server = new TestServer("test", TestDatabase.serverUrl());
	}

	@Test
	void twoClonesOfOneTemplateAreIndependent() throws Exception {
		Templates templates = Templates.on(server);
		String template = templates.template(recipe("classpath:scenarios/valid"));
		String first = templates.take(template);
		String second = templates.take(template);
		try {
			assertThat(first).isNotEqualTo(second).startsWith("cairn_clone_");
			execute(first, "INSERT INTO users (name, email) VALUES ('Grace', 'grace@example.com')");
			execute(first, "CREATE TABLE only_in_first (id int)");
			assertThat(query(first, "SELECT name FROM users ORDER BY name")).containsExactly("Ada", "Grace",
					"O'Brien; the second");
			assertThat(query(second, "SELECT name FROM users ORDER BY name")).containsExactly("Ada",
					"O'Brien; the second");
			assertThat(query(second, "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'"))
				.containsExactly("0");
			assertThat(query(second, "SELECT version FROM cairn_history ORDER BY installed_rank")).containsExactly("1",
					"2", "3");
		}
		finally {
			templates.drop(first);
			templates.drop(second);
		}
	}

	@Test
	void templateIsMarkedAndRefusesConnections() throws Exception {
		Templates templates = Templates.connect(server, 0);
		String template = templates.template(recipe("classpath:scenarios/valid"));
		// Another test may have dropped it as old; a clone builds it again.
		templates.drop(templates.take(template));
		templates.close();

		assertThat(admin("SELECT datistemplate, datallowconn FROM pg_database WHERE datname = '" + template + "'"))
			.containsExactly("t f");
		assertThat(admin("SELECT count(*) FROM pg_database WHERE datname = '" + template + "_build'"))
			.containsExactly("0");
	}

	@Test
	void anEditedMigrationBuildsANewTemplate(@TempDir Path folder) throws Exception {
		Files.writeString(folder.resolve("001_create.sql"), "CREATE TABLE things (id int);\n");
		String location = "filesystem:" + folder;
		Templates templates = Templates.on(server);
		String before = templates.template(recipe(location));
		assertThat(templates.template(recipe(location))).isEqualTo(before);

		Files.writeString(folder.resolve("001_create.sql"), "CREATE TABLE things (id int, label text);\n");
		String after = templates.template(recipe(location));

		assertThat(after).isNotEqualTo(before);
		String clone = templates.take(after);
		try {
			assertThat(query(clone,
					"SELECT column_name FROM information_schema.columns WHERE table_name = 'things' ORDER BY 1"))
				.containsExactly("id", "label");
		}
		finally {
			templates.drop(clone);
		}
	}

	@Test
	void settingsThatChangeWhatRunsChangeTheKey() {
		Templates templates = Templates.on(server);
		MigratorSettings plain = MigratorSettings.builder().locations("classpath:scenarios/valid").build();

		String name = templates.template(new TemplateRecipe(plain, List.of()));

		assertThat(templates.template(new TemplateRecipe(plain.toBuilder().target("2").build(), List.of())))
			.isNotEqualTo(name);
		assertThat(templates.template(new TemplateRecipe(plain.toBuilder().table("other_history").build(), List.of())))
			.isNotEqualTo(name);
		assertThat(templates.template(
				new TemplateRecipe(plain.toBuilder().lockTimeout(java.time.Duration.ofSeconds(9)).build(), List.of())))
			.isEqualTo(name);
	}

	@Test
	void concurrentBuildersInTwoSessionsBuildOnce(@TempDir Path folder) throws Exception {
		// A folder of its own, so that no earlier run has built this template.
		Files.writeString(folder.resolve("001_create.sql"), "CREATE TABLE built_once (id int);\n");
		CountingMigration.runs.set(0);
		MigratorSettings settings = MigratorSettings.builder().locations("filesystem:" + folder).build();
		Templates one = Templates.connect(server, 0);
		Templates two = Templates.connect(server, 0);
		CountDownLatch start = new CountDownLatch(1);
		try {
			CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
				await(start);
				return one.template(new TemplateRecipe(settings, List.of(new CountingMigration())));
			});
			CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> {
				await(start);
				return two.template(new TemplateRecipe(settings, List.of(new CountingMigration())));
			});
			start.countDown();

			assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(second.get(60, TimeUnit.SECONDS));
			assertThat(CountingMigration.runs).hasValue(1);
		}
		finally {
			one.close();
			two.close();
		}
	}

	@Test
	void clonesOfARunThatDiedAreDroppedByTheNextButKeptOnesStay() throws Exception {
		Templates dead = Templates.connect(server, 0);
		String template = dead.template(recipe("classpath:scenarios/valid"));
		String left = dead.take(template);
		String kept = dead.keep(dead.take(template), "someFailedTest");
		Templates alive = Templates.connect(server, 0);
		String alsoAlive = alive.take(template);
		assertThat(kept).startsWith("cairn_kept_somefailedtest_");

		dead.abandon();
		Templates next = Templates.connect(server, 0);
		try {
			assertThat(admin("SELECT datname FROM pg_database WHERE datname IN ('" + left + "', '" + kept + "', '"
					+ alsoAlive + "') ORDER BY datname"))
				.containsExactly(alsoAlive, kept);
		}
		finally {
			next.close();
			alive.drop(alsoAlive);
			alive.close();
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute("DROP DATABASE " + kept);
			}
		}
	}

	@Test
	void aBuildDropsAllButTheTwoNewestTemplatesItDoesNotUse() throws Exception {
		List<String> built = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			// Each build in a session of its own, as separate runs would make them.
			Templates run = Templates.connect(server, 0);
			try {
				built.add(run.template(new TemplateRecipe(MigratorSettings.builder()
					.locations("classpath:scenarios/valid")
					.placeholders(Map.of("round", "stale-" + i + "-" + System.nanoTime()))
					.build(), List.of())));
			}
			finally {
				run.close();
			}
		}

		assertThat(admin("SELECT datname FROM pg_database WHERE datname IN ('" + String.join("', '", built) + "')"))
			.containsExactlyInAnyOrder(built.get(1), built.get(2), built.get(3));
	}

	@Test
	void aTemplateDroppedByAnotherRunIsBuiltAgain() throws Exception {
		Templates templates = Templates.connect(server, 0);
		String template = templates.template(recipe("classpath:scenarios/valid"));
		templates.drop(templates.take(template));
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			statement.execute("ALTER DATABASE " + template + " WITH IS_TEMPLATE false");
			statement.execute("DROP DATABASE " + template);
		}

		String clone = templates.take(template);
		try {
			assertThat(query(clone, "SELECT count(*) FROM users")).containsExactly("2");
		}
		finally {
			templates.drop(clone);
			templates.close();
		}
	}

	@Test
	void clonesWithWalLogWhenAskedAndRefusesAnUnknownStrategy() throws Exception {
		System.setProperty("cairn.test.clone-strategy", "wal_log");
		Templates walLog;
		try {
			walLog = Templates.connect(server, 0);
		}
		finally {
			System.clearProperty("cairn.test.clone-strategy");
		}
		try {
			String clone = walLog.take(walLog.template(recipe("classpath:scenarios/valid")));
			assertThat(query(clone, "SELECT count(*) FROM users")).containsExactly("2");
			walLog.drop(clone);
		}
		finally {
			walLog.close();
		}
		System.setProperty("cairn.test.clone-strategy", "copy");
		try {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> Templates.connect(server, 0))
				.withMessage("cairn.test.clone-strategy is 'COPY'; use FILE_COPY or WAL_LOG");
		}
		finally {
			System.clearProperty("cairn.test.clone-strategy");
		}
	}

	private static TemplateRecipe recipe(String location) {
		return new TemplateRecipe(MigratorSettings.builder().locations(location).build(), List.of());
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void execute(String database, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(server.urlFor(database));
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static List<String> admin(String sql) throws SQLException {
		try (Connection connection = server.connect()) {
			return query(connection, sql);
		}
	}

	static List<String> query(String database, String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(server.urlFor(database))) {
			return query(connection, sql);
		}
	}

	private static List<String> query(Connection connection, String sql) throws SQLException {
		List<String> values = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			int columns = result.getMetaData().getColumnCount();
			while (result.next()) {
				List<String> row = new ArrayList<>();
				for (int i = 1; i <= columns; i++) {
					row.add(result.getString(i));
				}
				values.add(String.join(" ", row));
			}
		}
		return values;
	}

	/** A Java migration that counts its runs and takes long enough for a race to show. */
	static final class CountingMigration implements JavaMigration {

		static final AtomicInteger runs = new AtomicInteger();

		@Override
		public String version() {
			return "2";
		}

		@Override
		public String description() {
			return "counted";
		}

		@Override
		public void migrate(JdbcTemplate jdbc) throws Exception {
			runs.incrementAndGet();
			Thread.sleep(500);
			jdbc.execute("CREATE TABLE counted (id int)");
		}

	}

}
