package dev.cairn.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link Migrator} finds migrations, where it keeps history, and how careful it is
 * with locks; the defaults here are the defaults everywhere (the Boot properties mirror
 * them).
 *
 * @param locations where migration files live: {@code classpath:}, {@code file:} or
 * {@code filesystem:} prefixed
 * @param table the history table, optionally schema-qualified
 * ({@code audit.cairn_history})
 * @param schema the schema for the history table when {@code table} is not qualified, or
 * {@code null} for the connection's current schema
 * @param createSchema whether to create that schema when it is missing
 * @param lockTimeout the {@code lock_timeout} each migration runs with
 * @param lockRetries how many times at most a migration that hit {@code lock_timeout} is
 * retried, or {@code null} to retry for as long as {@code lockRetryBudget} lasts
 * @param statementTimeout the {@code statement_timeout} each migration runs with, or
 * {@code null} for the server's
 * @param lockWaitTimeout how long to wait for another instance's migration lock before
 * giving up
 * @param outOfOrder whether a pending version below the highest applied one may run
 * @param ignoreMissing whether an applied migration whose file is gone is tolerated
 * @param target the highest version to migrate to, or {@code null} for all
 * @param baselineVersion the version to record as a baseline when the history table is
 * empty, so that files up to it are never run on a database that already has their
 * schema; or {@code null}
 * @param lockRetryBudget how long a migration that keeps hitting {@code lock_timeout}
 * goes on retrying, from its first attempt, before it gives up naming the blocker
 * @param concurrentWaitTimeout the {@code lock_timeout} of statements that only wait for
 * older transactions to end ({@code CREATE/DROP INDEX CONCURRENTLY},
 * {@code REINDEX CONCURRENTLY}), which block no reads or writes while they wait
 * @param keepAppliedText whether the history keeps the compressed normalised text of each
 * applied SQL file (up to 1 MiB), so that an edited file's error shows what changed
 * @param lint what a run does with lint findings in the migrations it is about to apply
 * @param placeholders values of Flyway's {@code ${name}} placeholders in Flyway files
 * @param adoptFrom the history table of another runner to adopt when Cairn's own is
 * empty, or {@code null} to look for Flyway's {@code flyway_schema_history} (or its older
 * {@code schema_version})
 * @param poolerMode whether the connections may switch server sessions between
 * transactions, as behind PgBouncer in transaction mode; found out per run by default
 */
public record MigratorSettings(List<String> locations, String table, @Nullable String schema, boolean createSchema,
		Duration lockTimeout, @Nullable Integer lockRetries, Duration lockRetryBudget, Duration concurrentWaitTimeout,
		@Nullable Duration statementTimeout, Duration lockWaitTimeout, boolean outOfOrder, boolean ignoreMissing,
		@Nullable String target, @Nullable String baselineVersion, boolean keepAppliedText, LintMode lint,
		Map<String, String> placeholders, @Nullable String adoptFrom, PoolerMode poolerMode) {

	/** Where migration files are looked for by default. */
	public static final String DEFAULT_LOCATION = "classpath:db/migrations";

	/** The history table's default name. */
	public static final String DEFAULT_TABLE = "cairn_history";

	/**
	 * The default {@code lock_timeout} of each migration: the longest a migration queued
	 * for a lock makes application queries on that table wait behind it.
	 */
	public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * How long by default a migration that keeps hitting {@code lock_timeout} goes on
	 * retrying.
	 */
	public static final Duration DEFAULT_LOCK_RETRY_BUDGET = Duration.ofMinutes(5);

	/**
	 * The default {@code lock_timeout} of a concurrent index build, which waits
	 * harmlessly.
	 */
	public static final Duration DEFAULT_CONCURRENT_WAIT_TIMEOUT = Duration.ofMinutes(30);

	/** How long to wait for the migration lock by default. */
	public static final Duration DEFAULT_LOCK_WAIT_TIMEOUT = Duration.ofMinutes(5);

	public MigratorSettings {
		locations = List.copyOf(locations);
		placeholders = Map.copyOf(placeholders);
		if (locations.isEmpty()) {
			throw new MigrationException(
					"cairn.locations is empty. Name at least one location, for example " + DEFAULT_LOCATION + ".");
		}
		if (lockRetries != null && lockRetries < 0) {
			throw new MigrationException("cairn.lock-retries is " + lockRetries + ". Use 0 or more, or leave it unset "
					+ "to retry until cairn.lock-retry-budget is spent.");
		}
		checkVersion("cairn.target", target);
		checkVersion("cairn.baseline-version", baselineVersion);
	}

	private static void checkVersion(String setting, @Nullable String version) {
		if (version != null && !MigrationVersion.isVersion(version)) {
			throw new MigrationException(
					setting + " '" + version + "' is not a version. Use digits, optionally " + "dotted (0, 3, 1.2).");
		}
	}

	/**
	 * Returns the default settings.
	 * @return the defaults
	 */
	public static MigratorSettings defaults() {
		return builder().build();
	}

	/**
	 * Returns a builder starting from the defaults.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a builder starting from these settings.
	 * @return a new builder
	 */
	public Builder toBuilder() {
		return new Builder().locations(this.locations)
			.table(this.table)
			.schema(this.schema)
			.createSchema(this.createSchema)
			.lockTimeout(this.lockTimeout)
			.lockRetries(this.lockRetries)
			.lockRetryBudget(this.lockRetryBudget)
			.concurrentWaitTimeout(this.concurrentWaitTimeout)
			.statementTimeout(this.statementTimeout)
			.lockWaitTimeout(this.lockWaitTimeout)
			.outOfOrder(this.outOfOrder)
			.ignoreMissing(this.ignoreMissing)
			.target(this.target)
			.baselineVersion(this.baselineVersion)
			.keepAppliedText(this.keepAppliedText)
			.lint(this.lint)
			.placeholders(this.placeholders)
			.adoptFrom(this.adoptFrom)
			.poolerMode(this.poolerMode);
	}

	/**
	 * Builds {@link MigratorSettings}, starting from the defaults.
	 */
	public static final class Builder {

		private List<String> locations = List.of(DEFAULT_LOCATION);

		private String table = DEFAULT_TABLE;

		private @Nullable String schema;

		private boolean createSchema = true;

		private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;

		private @Nullable Integer lockRetries;

		private Duration lockRetryBudget = DEFAULT_LOCK_RETRY_BUDGET;

		private Duration concurrentWaitTimeout = DEFAULT_CONCURRENT_WAIT_TIMEOUT;

		private @Nullable Duration statementTimeout;

		private Duration lockWaitTimeout = DEFAULT_LOCK_WAIT_TIMEOUT;

		private boolean outOfOrder;

		private boolean ignoreMissing;

		private @Nullable String target;

		private @Nullable String baselineVersion;

		private boolean keepAppliedText = true;

		private LintMode lint = LintMode.WARN;

		private Map<String, String> placeholders = Map.of();

		private @Nullable String adoptFrom;

		private PoolerMode poolerMode = PoolerMode.DETECT;

		private Builder() {
		}

		public Builder locations(List<String> locations) {
			this.locations = locations;
			return this;
		}

		public Builder locations(String... locations) {
			return locations(List.of(locations));
		}

		public Builder table(String table) {
			this.table = table;
			return this;
		}

		public Builder schema(@Nullable String schema) {
			this.schema = schema;
			return this;
		}

		public Builder createSchema(boolean createSchema) {
			this.createSchema = createSchema;
			return this;
		}

		public Builder lockTimeout(Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
			return this;
		}

		public Builder lockRetries(@Nullable Integer lockRetries) {
			this.lockRetries = lockRetries;
			return this;
		}

		public Builder lockRetryBudget(Duration lockRetryBudget) {
			this.lockRetryBudget = lockRetryBudget;
			return this;
		}

		public Builder concurrentWaitTimeout(Duration concurrentWaitTimeout) {
			this.concurrentWaitTimeout = concurrentWaitTimeout;
			return this;
		}

		public Builder statementTimeout(@Nullable Duration statementTimeout) {
			this.statementTimeout = statementTimeout;
			return this;
		}

		public Builder lockWaitTimeout(Duration lockWaitTimeout) {
			this.lockWaitTimeout = lockWaitTimeout;
			return this;
		}

		public Builder outOfOrder(boolean outOfOrder) {
			this.outOfOrder = outOfOrder;
			return this;
		}

		public Builder ignoreMissing(boolean ignoreMissing) {
			this.ignoreMissing = ignoreMissing;
			return this;
		}

		public Builder target(@Nullable String target) {
			this.target = target;
			return this;
		}

		public Builder baselineVersion(@Nullable String baselineVersion) {
			this.baselineVersion = baselineVersion;
			return this;
		}

		public Builder keepAppliedText(boolean keepAppliedText) {
			this.keepAppliedText = keepAppliedText;
			return this;
		}

		public Builder lint(LintMode lint) {
			this.lint = lint;
			return this;
		}

		public Builder placeholders(Map<String, String> placeholders) {
			this.placeholders = placeholders;
			return this;
		}

		public Builder adoptFrom(@Nullable String adoptFrom) {
			this.adoptFrom = adoptFrom;
			return this;
		}

		public Builder poolerMode(PoolerMode poolerMode) {
			this.poolerMode = poolerMode;
			return this;
		}

		public MigratorSettings build() {
			return new MigratorSettings(this.locations, this.table, this.schema, this.createSchema, this.lockTimeout,
					this.lockRetries, this.lockRetryBudget, this.concurrentWaitTimeout, this.statementTimeout,
					this.lockWaitTimeout, this.outOfOrder, this.ignoreMissing, this.target, this.baselineVersion,
					this.keepAppliedText, this.lint, this.placeholders, this.adoptFrom, this.poolerMode);
		}

	}

}
