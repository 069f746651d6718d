package dev.cairn.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.cairn.core.TenantRun.State;
import dev.cairn.core.TenantSettings.OnError;

/**
 * Migrates a fleet of tenants with the same migration files: each tenant is a schema of
 * the main database or a database of its own, with its history table there and its own
 * migration lock (the key comes from that qualified table name). A schema tenant has its
 * schema first on {@code search_path} while its migrations run, so unqualified names land
 * in it; a database tenant is reached by its URL through {@link TenantDatabases}.
 * <p>
 * A fleet run lists the tenants (keeping this machine's shard), then runs up to
 * {@code parallelism} tenants at once, each an ordinary {@link Migrator} run that holds
 * its two connections only while it runs. A failed tenant never stops the running ones;
 * with {@link OnError#FAIL} no further tenant starts. The run then fails naming every
 * failed tenant with its error, unless {@link OnError#CONTINUE_AND_START} lets the
 * application start. A tenant's failure leaves it as any failed run does, so the next run
 * resumes each tenant where it stopped; two machines running the same fleet at once
 * migrate each tenant once, the second waiting for the first's lock on that tenant.
 * Tenant schemas behind a pooler that switches server sessions are refused before any
 * tenant runs.
 */
public final class TenantMigrations {

	private static final Log logger = LogFactory.getLog(TenantMigrations.class);

	private final DataSource dataSource;

	private final MigratorSettings settings;

	private final MigratorSettings databaseSettings;

	private final TenantSettings tenants;

	private final TenantDatabases databases;

	private final TenantListeners listeners;

	private final Map<String, TenantRun> runs = new LinkedHashMap<>();

	private final TenantCatalog catalog;

	private volatile boolean schemasAllowed;

	/**
	 * Creates the fleet's migrations, reaching database tenants with the credentials
	 * their URLs carry.
	 * @param dataSource the main database, where every tenant schema lives
	 * @param settings the settings each tenant's run starts from (its locations and
	 * schema are the tenant's)
	 * @param tenants how the fleet runs
	 * @param source the tenants
	 */
	public TenantMigrations(DataSource dataSource, MigratorSettings settings, TenantSettings tenants,
			TenantSource source) {
		this(dataSource, settings, tenants, source, TenantDatabases.withCredentials(null, null), TenantListeners.NONE);
	}

	/**
	 * Creates the fleet's migrations.
	 * @param dataSource the main database, where every tenant schema lives
	 * @param settings the settings each tenant's run starts from: a schema tenant's
	 * locations and schema are the tenant's, a database tenant's history table is where
	 * these settings put it, in the tenant's database
	 * @param tenants how the fleet runs
	 * @param source the tenants
	 * @param databases how to reach the tenants that are databases of their own
	 * @param listeners each tenant run's listener
	 */
	public TenantMigrations(DataSource dataSource, MigratorSettings settings, TenantSettings tenants,
			TenantSource source, TenantDatabases databases, TenantListeners listeners) {
		String table = settings.table().substring(settings.table().indexOf('.') + 1);
		this.dataSource = dataSource;
		this.settings = settings.toBuilder().locations(tenants.locations()).table(table).build();
		this.databaseSettings = settings.toBuilder().locations(tenants.locations()).build();
		this.tenants = tenants;
		this.catalog = new TenantCatalog(source, tenants.shard());
		this.databases = databases;
		this.listeners = listeners;
	}

	/**
	 * Lists the tenants this machine migrates: the source's, without duplicates, kept to
	 * this machine's shard.
	 * @return the tenant names, in the source's order
	 * @throws MigrationException naming a tenant that is neither a plain schema name nor
	 * a usable JDBC URL, or two tenants of one name
	 */
	public List<String> tenants() {
		return this.catalog.fleet().stream().map(Tenant::name).toList();
	}

	/**
	 * Migrates every tenant of this machine's shard.
	 * @return each tenant's run
	 * @throws MigrationException naming every failed tenant with its error, unless
	 * {@code on-error} is {@link OnError#CONTINUE_AND_START}
	 */
	public FleetResult migrateAll() {
		return all("migrate", (migrator) -> {
			MigrateResult result = migrator.migrate();
			return new Outcome(result.applied().isEmpty() ? State.UP_TO_DATE : State.MIGRATED, result.applied().size(),
					result.status());
		});
	}

	/**
	 * Validates every tenant of this machine's shard, applying nothing.
	 * @return each tenant's run; a tenant with pending migrations is
	 * {@link State#PENDING}
	 * @throws MigrationException naming every tenant whose history disagrees with the
	 * files, unless {@code on-error} is {@link OnError#CONTINUE_AND_START}
	 */
	public FleetResult validateAll() {
		return all("validate", (migrator) -> {
			MigrationStatus status = migrator.validate();
			return new Outcome(status.pending().isEmpty() ? State.UP_TO_DATE : State.PENDING, 0, status);
		});
	}

	/**
	 * Migrates one tenant, creating its schema or its database when it is missing: for a
	 * tenant that signs up while the application runs.
	 * @param tenant the tenant: a schema name, a JDBC URL, or the name of a database
	 * tenant the source lists
	 * @return what the run did
	 * @throws MigrationException if the run fails
	 */
	public MigrateResult migrate(String tenant) {
		Tenant resolved = this.catalog.resolve(tenant);
		refuseTenantSchemas(resolved.isDatabase() ? 0 : 1);
		MigrationSnapshot snapshot = new MigrationSnapshot();
		Instant startedAt = Instant.now();
		try {
			MigrateResult result = migrator(resolved, snapshot, true, fleetSize()).migrate();
			record(new TenantRun(resolved.name(), result.applied().isEmpty() ? State.UP_TO_DATE : State.MIGRATED,
					result.applied().size(), startedAt, result.duration(), null, result.status()));
			return result;
		}
		catch (RuntimeException ex) {
			TenantRun failed = failed(resolved.name(), startedAt, ex, snapshot);
			record(failed);
			throw Objects.requireNonNull(failed.error());
		}
	}

	/**
	 * Returns a migrator for one tenant, for the verbs a fleet run does not have
	 * ({@code status}, {@code rollback}, {@code repair}).
	 * @param tenant the tenant: a schema name, a JDBC URL, or the name of a database
	 * tenant the source lists
	 * @return a migrator whose history table and {@code search_path} are the tenant's
	 */
	public Migrator migrator(String tenant) {
		Tenant resolved = this.catalog.resolve(tenant);
		refuseTenantSchemas(resolved.isDatabase() ? 0 : 1);
		return migrator(resolved, MigrationListener.NONE, this.settings.createSchema(), fleetSize());
	}

	/**
	 * Returns each tenant's last run in this process, in the order the tenants were last
	 * listed.
	 * @return the runs; empty before the first fleet run
	 */
	public synchronized List<TenantRun> runs() {
		return List.copyOf(this.runs.values());
	}

	/**
	 * Returns one tenant's last run in this process.
	 * @param tenant the tenant's name
	 * @return its run, or {@code null} when it has not run
	 */
	public synchronized @Nullable TenantRun run(String tenant) {
		return this.runs.get(tenant);
	}

	/**
	 * Returns how the fleet runs.
	 * @return the settings
	 */
	public TenantSettings settings() {
		return this.tenants;
	}

	private FleetResult all(String verb, Verb body) {
		Instant startedAt = Instant.now();
		List<Tenant> fleet = this.catalog.fleet();
		refuseTenantSchemas((int) fleet.stream().filter((tenant) -> !tenant.isDatabase()).count());
		synchronized (this) {
			Map<String, TenantRun> previous = new LinkedHashMap<>(this.runs);
			this.runs.clear();
			for (Tenant tenant : fleet) {
				this.runs.put(tenant.name(), previous.getOrDefault(tenant.name(), TenantRun.notStarted(tenant.name())));
			}
		}
		TenantShard shard = this.tenants.shard();
		int parallelism = Math.max(1, Math.min(this.tenants.parallelism(), fleet.size()));
		logger.info("Starting to " + verb + " " + fleet.size() + plural(fleet.size(), " tenant")
				+ ((shard != null) ? " (shard " + shard + ")" : "") + ", " + parallelism + " at a time");
		TenantRun[] done = FleetRunner.run(fleet, verb, parallelism, this.tenants.onError() == OnError.FAIL,
				(tenant) -> run(tenant, body, fleet.size()), this::record);
		FleetResult result = new FleetResult(verb, List.of(done), Duration.between(startedAt, Instant.now()));
		if (result.failed().isEmpty()) {
			logger.info(result.summary());
			return result;
		}
		String failure = result.failure(this.tenants.onError());
		if (this.tenants.onError() == OnError.CONTINUE_AND_START) {
			logger.error(failure + " The application starts anyway (cairn.tenants.on-error=continue-and-start); "
					+ "the failed tenants are DOWN in the health indicator.");
			return result;
		}
		throw new MigrationException(failure);
	}

	private void refuseTenantSchemas(int schemas) {
		// The main DataSource does not change while the application runs: once it has
		// passed, a sign-up pays no extra connection for the check.
		if (schemas > 0 && !this.schemasAllowed) {
			Pooler.refuseTenantSchemas(this.dataSource, this.settings.poolerMode(), schemas);
			this.schemasAllowed = true;
		}
	}

	private TenantRun run(Tenant tenant, Verb body, int fleetSize) {
		MigrationSnapshot snapshot = new MigrationSnapshot();
		Instant startedAt = Instant.now();
		String name = tenant.name();
		try {
			Outcome outcome = body.run(migrator(tenant, snapshot, this.settings.createSchema(), fleetSize));
			Duration duration = Duration.between(startedAt, Instant.now());
			if (outcome.applied() > 0) {
				logger.info("Tenant " + name + ": " + outcome.applied() + plural(outcome.applied(), " migration")
						+ " applied in " + duration.toMillis() + " ms, now at version " + outcome.status().current());
			}
			return new TenantRun(name, outcome.state(), outcome.applied(), startedAt, duration, null, outcome.status());
		}
		catch (RuntimeException ex) {
			TenantRun failed = failed(name, startedAt, ex, snapshot);
			logger.warn("Tenant " + name + " failed: " + Objects.requireNonNull(failed.error()).getMessage());
			return failed;
		}
	}

	private static TenantRun failed(String name, Instant startedAt, RuntimeException ex, MigrationSnapshot snapshot) {
		MigrationException error = (ex instanceof MigrationException known) ? known
				: MigrationException.causedBy(ex.getClass().getSimpleName() + ": " + ex.getMessage(), ex);
		return new TenantRun(name, State.FAILED, 0, startedAt, Duration.between(startedAt, Instant.now()), error,
				snapshot.status());
	}

	private Migrator migrator(Tenant tenant, MigrationListener listener, boolean create, int fleetSize) {
		String name = tenant.name();
		MigrationListener tenantListener = new MigrationListener() {

			@Override
			public void lockWaiting(LockHolder holder, Duration waited) {
				logger.info("Tenant " + name + ": waiting for its migration lock for " + waited.toSeconds()
						+ " s; it is held by " + holder.describe());
			}

		};
		MigrationListener all = MigrationListeners
			.of(List.of(listener, tenantListener, this.listeners.listener(name, fleetSize)));
		if (tenant.isDatabase()) {
			return new Migrator(new TenantDatabase(tenant, this.databases, create), this.databaseSettings, all,
					List.of());
		}
		return new Migrator(new SchemaFirstDataSource(this.dataSource, name),
				this.settings.toBuilder().schema(name).createSchema(create).build(), all, List.of());
	}

	private synchronized int fleetSize() {
		return Math.max(1, this.runs.size());
	}

	private synchronized void record(TenantRun run) {
		this.runs.put(run.tenant(), run);
	}

	private static String plural(int count, String word) {
		return (count == 1) ? word : word + "s";
	}

	@FunctionalInterface
	private interface Verb {

		Outcome run(Migrator migrator);

	}

	private record Outcome(State state, int applied, MigrationStatus status) {

	}

}
