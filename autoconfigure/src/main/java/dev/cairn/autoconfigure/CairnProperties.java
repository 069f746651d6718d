package dev.cairn.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.core.LintMode;
import dev.cairn.core.MigrationException;
import dev.cairn.core.MigratorSettings;
import dev.cairn.core.PoolerMode;
import dev.cairn.core.TenantSettings;
import dev.cairn.core.TenantSettings.OnError;
import dev.cairn.core.TenantShard;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for Cairn migrations.
 */
@ConfigurationProperties("cairn")
public class CairnProperties {

	/**
	 * Whether to enable Cairn.
	 */
	private boolean enabled = true;

	/**
	 * What to do with the database on startup: apply pending migrations, only validate
	 * that the database is up to date, or nothing.
	 */
	private Mode mode = Mode.MIGRATE;

	/**
	 * Locations of migration files, prefixed with 'classpath:' or 'file:'.
	 */
	private List<String> locations = new ArrayList<>(List.of(MigratorSettings.DEFAULT_LOCATION));

	/**
	 * Name of the history table, optionally schema-qualified.
	 */
	private String table = MigratorSettings.DEFAULT_TABLE;

	/**
	 * Schema of the history table when its name is not qualified. When not set, the
	 * connection's current schema is used.
	 */
	private @Nullable String schema;

	/**
	 * Whether to create the history table's schema when it does not exist.
	 */
	private boolean createSchema = true;

	/**
	 * Lock timeout that each migration runs with: the longest that application queries on
	 * a table wait behind a migration queued for that table's lock. The migration then
	 * retries, with pauses that let traffic through.
	 */
	private Duration lockTimeout = MigratorSettings.DEFAULT_LOCK_TIMEOUT;

	/**
	 * Maximum number of times a migration that hit the lock timeout is retried. When not
	 * set, it retries until lock-retry-budget is spent.
	 */
	private @Nullable Integer lockRetries;

	/**
	 * How long a migration that keeps hitting the lock timeout goes on retrying before it
	 * fails naming the session that blocks it.
	 */
	private Duration lockRetryBudget = MigratorSettings.DEFAULT_LOCK_RETRY_BUDGET;

	/**
	 * Lock timeout of CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and REINDEX
	 * CONCURRENTLY, which wait for older transactions to end without blocking reads or
	 * writes.
	 */
	private Duration concurrentWaitTimeout = MigratorSettings.DEFAULT_CONCURRENT_WAIT_TIMEOUT;

	/**
	 * Statement timeout that each migration runs with. When not set, the server's setting
	 * applies.
	 */
	private @Nullable Duration statementTimeout;

	/**
	 * Maximum time to wait for the migration lock held by another instance.
	 */
	private Duration lockWaitTimeout = MigratorSettings.DEFAULT_LOCK_WAIT_TIMEOUT;

	/**
	 * Whether a pending migration whose version is below the highest applied version may
	 * run.
	 */
	private boolean outOfOrder;

	/**
	 * Whether to tolerate applied migrations whose files are gone.
	 */
	private boolean ignoreMissing;

	/**
	 * Highest version to migrate to. When not set, every pending migration is applied.
	 * For the rollback command, the version to return to (it stays applied; use count=all
	 * to undo everything); for the baseline command, the version to record.
	 */
	private @Nullable String target;

	/**
	 * Version to record as a baseline when the history table is empty, so that an
	 * existing database that already holds the schema up to that version starts with only
	 * the later migrations.
	 */
	private @Nullable String baselineVersion;

	/**
	 * What to do with lint findings in the migrations about to be applied: log them
	 * ('warn'), refuse to start on an error finding ('fail'), or not lint ('off'). Only
	 * pending migrations are linted.
	 */
	private LintMode lint = LintMode.WARN;

	/**
	 * Command to run instead of starting the application: status, migrate, validate,
	 * plan, rollback, baseline or repair. The command prints its result and the JVM exits
	 * with 0 on success, 1 when the command failed and 2 when it was called wrongly; the
	 * web server does not start.
	 */
	private @Nullable String command;

	/**
	 * Number of the newest applied migrations that the rollback command undoes, or 'all'
	 * to undo every applied migration. Use 'target' instead to roll back to a version.
	 */
	private @Nullable String count;

	/**
	 * Whether the history keeps the compressed text of each applied SQL file (up to 1
	 * MiB), so that the error about an edited file shows what changed and repair can
	 * resume an edited file safely.
	 */
	private boolean keepAppliedText = true;

	/**
	 * Values of Flyway's ${name} placeholders, replaced in Flyway-named files (V1__x.sql)
	 * before they run.
	 */
	private Map<String, String> placeholders = new LinkedHashMap<>();

	/**
	 * History table of the runner the database was migrated with, adopted when Cairn's
	 * own history is empty. When not set, Flyway's flyway_schema_history (or its older
	 * schema_version) is adopted if it exists.
	 */
	private @Nullable String adoptFrom;

	/**
	 * Whether the connection may run each transaction on another server session, as
	 * PgBouncer, Supavisor or RDS Proxy do in transaction mode: detect (by default: a
	 * connection whose backend key does not name its server session goes through a
	 * pooler), session (a direct connection or a session-mode pooler) or transaction.
	 * Behind such a pooler the migration lock is held in a transaction of its own,
	 * statements are not server-prepared, and migrations that must run outside a
	 * transaction are refused.
	 */
	private PoolerMode poolerMode = PoolerMode.DETECT;

	private final Repair repair = new Repair();

	/**
	 * The one tenant that cairn.command runs against, instead of the main schema and
	 * every tenant.
	 */
	private @Nullable String tenant;

	private final Tenants tenants = new Tenants();

	/**
	 * JDBC URL of the database to migrate, to run migrations with their own connection
	 * settings. When not set, the application's DataSource is used.
	 */
	private @Nullable String url;

	/**
	 * Login user that runs the migrations, for example a role allowed to change the
	 * schema.
	 */
	private @Nullable String user;

	/**
	 * Login password of the user that runs the migrations.
	 */
	private @Nullable String password;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public List<String> getLocations() {
		return this.locations;
	}

	public void setLocations(List<String> locations) {
		this.locations = locations;
	}

	public String getTable() {
		return this.table;
	}

	public void setTable(String table) {
		this.table = table;
	}

	public @Nullable String getSchema() {
		return this.schema;
	}

	public void setSchema(@Nullable String schema) {
		this.schema = schema;
	}

	public boolean isCreateSchema() {
		return this.createSchema;
	}

	public void setCreateSchema(boolean createSchema) {
		this.createSchema = createSchema;
	}

	public Duration getLockTimeout() {
		return this.lockTimeout;
	}

	public void setLockTimeout(Duration lockTimeout) {
		this.lockTimeout = lockTimeout;
	}

	public @Nullable Integer getLockRetries() {
		return this.lockRetries;
	}

	public void setLockRetries(@Nullable Integer lockRetries) {
		this.lockRetries = lockRetries;
	}

	public Duration getLockRetryBudget() {
		return this.lockRetryBudget;
	}

	public void setLockRetryBudget(Duration lockRetryBudget) {
		this.lockRetryBudget = lockRetryBudget;
	}

	public Duration getConcurrentWaitTimeout() {
		return this.concurrentWaitTimeout;
	}

	public void setConcurrentWaitTimeout(Duration concurrentWaitTimeout) {
		this.concurrentWaitTimeout = concurrentWaitTimeout;
	}

	public @Nullable Duration getStatementTimeout() {
		return this.statementTimeout;
	}

	public void setStatementTimeout(@Nullable Duration statementTimeout) {
		this.statementTimeout = statementTimeout;
	}

	public Duration getLockWaitTimeout() {
		return this.lockWaitTimeout;
	}

	public void setLockWaitTimeout(Duration lockWaitTimeout) {
		this.lockWaitTimeout = lockWaitTimeout;
	}

	public boolean isOutOfOrder() {
		return this.outOfOrder;
	}

	public void setOutOfOrder(boolean outOfOrder) {
		this.outOfOrder = outOfOrder;
	}

	public boolean isIgnoreMissing() {
		return this.ignoreMissing;
	}

	public void setIgnoreMissing(boolean ignoreMissing) {
		this.ignoreMissing = ignoreMissing;
	}

	public @Nullable String getTarget() {
		return this.target;
	}

	public void setTarget(@Nullable String target) {
		this.target = target;
	}

	public @Nullable String getBaselineVersion() {
		return this.baselineVersion;
	}

	public void setBaselineVersion(@Nullable String baselineVersion) {
		this.baselineVersion = baselineVersion;
	}

	public @Nullable String getCommand() {
		return this.command;
	}

	public void setCommand(@Nullable String command) {
		this.command = command;
	}

	public @Nullable String getCount() {
		return this.count;
	}

	public void setCount(@Nullable String count) {
		this.count = count;
	}

	public boolean isKeepAppliedText() {
		return this.keepAppliedText;
	}

	public void setKeepAppliedText(boolean keepAppliedText) {
		this.keepAppliedText = keepAppliedText;
	}

	public Map<String, String> getPlaceholders() {
		return this.placeholders;
	}

	public void setPlaceholders(Map<String, String> placeholders) {
		this.placeholders = placeholders;
	}

	public @Nullable String getAdoptFrom() {
		return this.adoptFrom;
	}

	public void setAdoptFrom(@Nullable String adoptFrom) {
		this.adoptFrom = adoptFrom;
	}

	public PoolerMode getPoolerMode() {
		return this.poolerMode;
	}

	public void setPoolerMode(PoolerMode poolerMode) {
		this.poolerMode = poolerMode;
	}

	public Repair getRepair() {
		return this.repair;
	}

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public @Nullable String getUser() {
		return this.user;
	}

	public void setUser(@Nullable String user) {
		this.user = user;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public LintMode getLint() {
		return this.lint;
	}

	public void setLint(LintMode lint) {
		this.lint = lint;
	}

	public @Nullable String getTenant() {
		return this.tenant;
	}

	public void setTenant(@Nullable String tenant) {
		this.tenant = tenant;
	}

	public Tenants getTenants() {
		return this.tenants;
	}

	/**
	 * Returns the engine settings these properties describe.
	 * @return the settings
	 */
	public MigratorSettings toSettings() {
		return MigratorSettings.builder()
			.locations(this.locations)
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
			.poolerMode(this.poolerMode)
			.build();
	}

	/**
	 * Settings of a fleet of tenants, each a schema or a database of its own.
	 */
	public static class Tenants {

		/**
		 * Schemas of the tenants to migrate, each with its own history table, with the
		 * files in cairn.tenants.locations.
		 */
		private List<String> schemas = new ArrayList<>();

		/**
		 * SQL query, run on the main DataSource after the main schema's migrations, whose
		 * first column holds the tenants to migrate: schema names, or JDBC URLs
		 * (jdbc:postgresql:...) of tenants that are databases of their own.
		 */
		private @Nullable String query;

		/**
		 * Locations of the tenants' migration files. The main schema's migrations stay in
		 * cairn.locations and run first.
		 */
		private List<String> locations = new ArrayList<>(List.of(TenantSettings.DEFAULT_LOCATION));

		/**
		 * How many tenants migrate at once; each holds two connections while it runs.
		 * When not set, 4, or half of a Hikari pool's maximum size when that is smaller.
		 */
		private @Nullable Integer parallelism;

		/**
		 * What a failed tenant does to the run: 'fail' starts no more tenants and fails
		 * startup, 'continue' migrates the others and then fails startup,
		 * 'continue-and-start' migrates the others and starts, with the failed tenants
		 * DOWN in the health indicator.
		 */
		private OnError onError = OnError.FAIL;

		/**
		 * The shard of the tenants this machine migrates, as K/N: shard K, from 1, of N.
		 */
		private @Nullable String shard;

		/**
		 * Number of shards when this machine's shard comes from the JOB_COMPLETION_INDEX
		 * of a Kubernetes Indexed Job (shard index + 1). Ignored when cairn.tenants.shard
		 * is set.
		 */
		private @Nullable Integer shards;

		/**
		 * Largest fleet whose metrics are tagged with the tenant's name. Above it, tenant
		 * runs are recorded without a tenant tag, so that a large fleet cannot blow up
		 * the number of time series.
		 */
		private int metricsTagLimit = 100;

		/**
		 * Database, on each tenant's server, that a missing tenant database is created as
		 * a copy of: a template kept migrated with the tenant migrations, so that a new
		 * tenant gets its schema at once and only what is newer runs. When not set, a
		 * missing tenant database is created empty and every migration runs.
		 */
		private @Nullable String templateDatabase;

		public List<String> getSchemas() {
			return this.schemas;
		}

		public void setSchemas(List<String> schemas) {
			this.schemas = schemas;
		}

		public @Nullable String getQuery() {
			return this.query;
		}

		public void setQuery(@Nullable String query) {
			this.query = query;
		}

		public List<String> getLocations() {
			return this.locations;
		}

		public void setLocations(List<String> locations) {
			this.locations = locations;
		}

		public @Nullable Integer getParallelism() {
			return this.parallelism;
		}

		public void setParallelism(@Nullable Integer parallelism) {
			this.parallelism = parallelism;
		}

		public OnError getOnError() {
			return this.onError;
		}

		public void setOnError(OnError onError) {
			this.onError = onError;
		}

		public @Nullable String getShard() {
			return this.shard;
		}

		public void setShard(@Nullable String shard) {
			this.shard = shard;
		}

		public @Nullable Integer getShards() {
			return this.shards;
		}

		public void setShards(@Nullable Integer shards) {
			this.shards = shards;
		}

		public int getMetricsTagLimit() {
			return this.metricsTagLimit;
		}

		public void setMetricsTagLimit(int metricsTagLimit) {
			this.metricsTagLimit = metricsTagLimit;
		}

		public @Nullable String getTemplateDatabase() {
			return this.templateDatabase;
		}

		public void setTemplateDatabase(@Nullable String templateDatabase) {
			this.templateDatabase = templateDatabase;
		}

		/**
		 * Returns the engine settings of the fleet.
		 * @param defaultParallelism the parallelism when none is set
		 * @param jobCompletionIndex the {@code JOB_COMPLETION_INDEX} of this pod, or
		 * {@code null}
		 * @return the settings
		 */
		public TenantSettings toSettings(int defaultParallelism, @Nullable String jobCompletionIndex) {
			return new TenantSettings(this.locations,
					(this.parallelism != null) ? this.parallelism : defaultParallelism, this.onError,
					shard(jobCompletionIndex));
		}

		private @Nullable TenantShard shard(@Nullable String jobCompletionIndex) {
			if (this.shard != null && !this.shard.isBlank()) {
				return TenantShard.parse(this.shard);
			}
			if (this.shards == null) {
				return null;
			}
			if (jobCompletionIndex == null || jobCompletionIndex.isBlank()) {
				throw new MigrationException("cairn.tenants.shards is " + this.shards + " but "
						+ "JOB_COMPLETION_INDEX is not set, so this machine does not know its shard. Run it in a "
						+ "Kubernetes Job with completionMode: Indexed, or set cairn.tenants.shard=K/N.");
			}
			return TenantShard.ofJobIndex(jobCompletionIndex, this.shards);
		}

	}

	/**
	 * Settings of the repair command.
	 */
	public static class Repair {

		/**
		 * Versions of failed migrations that you completed by hand: repair records them
		 * as applied without running their remaining statements.
		 */
		private List<String> markApplied = new ArrayList<>();

		public List<String> getMarkApplied() {
			return this.markApplied;
		}

		public void setMarkApplied(List<String> markApplied) {
			this.markApplied = markApplied;
		}

	}

	/**
	 * What Cairn does with the database on startup.
	 */
	public enum Mode {

		/**
		 * Apply every pending migration.
		 */
		MIGRATE,

		/**
		 * Apply nothing; fail startup if any migration is pending or the history
		 * disagrees with the files.
		 */
		VALIDATE,

		/**
		 * Leave the database alone.
		 */
		OFF

	}

}
