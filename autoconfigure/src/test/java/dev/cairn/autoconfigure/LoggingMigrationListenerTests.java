package dev.cairn.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationListener;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lines an operator reads in the application's log, as Logback receives them (level,
 * logger, text): each applied migration, the startup summary, the wait for the lock
 * naming its holder, a listener that throws, and the validate and off modes. Only
 * durations vary, and are matched as numbers.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoggingMigrationListenerTests {

	private static final String INITIALIZER = "dev.cairn.autoconfigure.MigrationInitializer";

	private static final String LINT = Pattern.quote("WARN dev.cairn.core.Lint: Lint 002_add_email.sql:3: "
			+ "create-index-not-concurrent (error): CREATE INDEX without CONCURRENTLY on existing table users blocks "
			+ "every write to it until the index is built.");

	private static final String LOCK_KEY = "('x' || left(encode(sha256(convert_to('cairn:cairn_history','UTF8')),"
			+ "'hex'),16))::bit(64)::bigint";

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private final Logger cairn = (Logger) LoggerFactory.getLogger("dev.cairn");

	private Level levelBefore;

	private TestDatabase database;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.database = new TestDatabase().create(getClass().getSimpleName());
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CairnAutoConfiguration.class))
			.withPropertyValues(TestDatabaseProperties.of("spring.datasource", this.database))
			.withPropertyValues("cairn.locations=classpath:scenarios/valid");
		this.levelBefore = this.cairn.getLevel();
		this.cairn.setLevel(Level.INFO);
		// Read by the thread that releases the lock while the run appends to it.
		this.log.list = new CopyOnWriteArrayList<>();
		this.log.start();
		this.cairn.addAppender(this.log);
	}

	@AfterEach
	void tearDown() {
		this.cairn.detachAppender(this.log);
		this.cairn.setLevel(this.levelBefore);
		this.database.drop();
	}

	@Test
	void logsEachAppliedMigrationThenTheSummaryAndOnARestartThatTheSchemaIsUpToDate() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		assertLines(LINT, "INFO " + INITIALIZER + ": Applied 001_create_users.sql \\(version 1\\) in \\d+ ms",
				"INFO " + INITIALIZER + ": Applied 002_add_email.sql \\(version 2\\) in \\d+ ms",
				"INFO " + INITIALIZER + ": Applied 003_seed_users.sql \\(version 3\\) in \\d+ ms",
				"INFO " + INITIALIZER + ": Schema at version 3, 3 migrations applied in \\d+ ms");
		this.log.list.clear();
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		assertLines("INFO " + INITIALIZER + ": Schema up to date at version 3");
	}

	@Test
	void warnsWhileWaitingForTheLockNamingTheSessionThatHoldsIt() throws Exception {
		try (Connection holder = this.database.connect(); Statement statement = holder.createStatement()) {
			statement.execute("SET application_name = 'psql maintenance'");
			statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
			String pid;
			String client;
			String since;
			try (ResultSet row = statement.executeQuery("SELECT pid, coalesce(client_addr::text, 'local socket'), "
					+ "backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")) {
				row.next();
				pid = row.getString(1);
				client = row.getString(2);
				since = row.getObject(3, Timestamp.class).toInstant().toString();
			}
			// The holder's last query is what the waiting instance reports; idle in
			// autocommit, it has no transaction, so "since" is when its session began.
			statement.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
			// Released once the wait was reported, well before the next report.
			CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
				try {
					long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
					while (this.log.list.stream().noneMatch((event) -> event.getLevel() == Level.WARN)
							&& System.nanoTime() < deadline) {
						Thread.sleep(20);
					}
					statement.execute("SELECT pg_advisory_unlock_all()");
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
			release.get(1, TimeUnit.MINUTES);
			assertLines(
					Pattern.quote("WARN " + INITIALIZER + ": Waiting for the migration lock for 5 s; it is held by "
							+ "pid " + pid + " (application_name 'psql maintenance', client " + client + ", since "
							+ since + ", last query: SELECT pg_advisory_lock(" + LOCK_KEY + "))"),
					LINT, "INFO " + INITIALIZER + ": Applied 001_create_users.sql \\(version 1\\) in \\d+ ms",
					"INFO " + INITIALIZER + ": Applied 002_add_email.sql \\(version 2\\) in \\d+ ms",
					"INFO " + INITIALIZER + ": Applied 003_seed_users.sql \\(version 3\\) in \\d+ ms",
					"INFO " + INITIALIZER + ": Schema at version 3, 3 migrations applied in \\d+ ms \\(waited "
							+ "\\d{4} ms for the migration lock\\)");
		}
	}

	@Test
	void aListenerThatThrowsIsLoggedOnceForEachCallAndTheApplicationStarts() {
		this.contextRunner.withUserConfiguration(BrokenListenerConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
		String broken = "WARN dev.cairn.core.MigrationListener: MigrationListener " + BrokenListener.class.getName()
				+ " failed in migrationApplied: java.lang.IllegalStateException: metrics backend is down. The run "
				+ "goes on as if it had not been called.";
		assertLines(LINT, "INFO " + INITIALIZER + ": Applied 001_create_users.sql \\(version 1\\) in \\d+ ms",
				Pattern.quote(broken), "INFO " + INITIALIZER + ": Applied 002_add_email.sql \\(version 2\\) in \\d+ ms",
				Pattern.quote(broken),
				"INFO " + INITIALIZER + ": Applied 003_seed_users.sql \\(version 3\\) in \\d+ ms",
				Pattern.quote(broken),
				"INFO " + INITIALIZER + ": Schema at version 3, 3 migrations applied in \\d+ ms");
		assertThat(this.log.list.stream().filter((event) -> event.getThrowableProxy() != null))
			.as("the listener's failure is logged with its stack trace")
			.hasSize(3);
	}

	@Test
	void validateAndOffModesSayWhatTheyDid() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		this.log.list.clear();
		this.contextRunner.withPropertyValues("cairn.mode=VALIDATE")
			.run((context) -> assertThat(context).hasNotFailed());
		assertLines(Pattern.quote("INFO " + INITIALIZER + ": Schema validated at version 3, nothing pending"));
		this.log.list.clear();
		this.contextRunner.withPropertyValues("cairn.mode=OFF").run((context) -> assertThat(context).hasNotFailed());
		assertLines(Pattern
			.quote("INFO " + INITIALIZER + ": Cairn is off (cairn.mode=off): no migration was applied or validated"));
	}

	/**
	 * Asserts that Cairn logged exactly these lines, in order, each
	 * {@code LEVEL logger: message} matching one pattern.
	 */
	private void assertLines(String... patterns) {
		List<String> lines = this.log.list.stream()
			.map((event) -> event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage())
			.toList();
		assertThat(lines).as(String.join("\n", lines)).hasSize(patterns.length);
		for (int i = 0; i < patterns.length; i++) {
			assertThat(lines.get(i)).matches(patterns[i]);
		}
	}

	static class BrokenListener implements MigrationListener {

		@Override
		public void migrationApplied(MigrateResult.Applied applied) {
			throw new IllegalStateException("metrics backend is down");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BrokenListenerConfiguration {

		@Bean
		BrokenListener brokenListener() {
			return new BrokenListener();
		}

	}

}
