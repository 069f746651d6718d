package dev.cairn.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.cairn.core.TenantRun.State;
import dev.cairn.core.TenantSettings.OnError;

/**
 * Migrates a fleet of tenants, one schema each, with the same migration files: each
 * tenant has its history table in its own schema, its own migration lock (the key comes
 * from that qualified table name), and its schema first on {@code search_path} while its
 * migrations run, so unqualified names land in it.
 * <p>
 * A fleet run lists the tenants (keeping this machine's shard), then runs up to
 * {@code parallelism} tenants at once, each an ordinary {@link Migrator} run that holds
 * its two connections only while it runs. A failed tenant never stops the running ones;
 * with {@link OnError#FAIL} no further tenant starts. The run then fails naming every
 * failed tenant with its error, unless {@link OnError#CONTINUE_AND_START} lets the
 * application start. A tenant's failure leaves it as any failed run does, so the next run
 * resumes each tenant where it stopped; two machines running the same fleet at once
 * migrate each tenant once, the second waiting for the first's lock on that tenant.
 */
public final class TenantMigrations {

	private static final Log logger = LogFactory.getLog(TenantMigrations.class);

	private static final Pattern SCHEMA = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

	private final DataSource dataSource;

	private final MigratorSettings settings;

	private final TenantSettings tenants;

	private final TenantSource source;

	private final Map<String, TenantRun> runs = new LinkedHashMap<>();

	/**
	 * Creates the fleet's migrations.
	 * @param dataSource the main database, where every tenant schema lives
	 * @param settings the settings each tenant's run starts from (its locations and
	 * schema are the tenant's)
	 * @param tenants how the fleet runs
	 * @param source the tenants
	 */
	public TenantMigrations(DataSource dataSource, MigratorSettings settings, TenantSettings tenants,
			TenantSource source) {
		String table = settings.table().substring(settings.table().indexOf('.') + 1);
		this.dataSource = dataSource;
		this.settings = settings.toBuilder().locations(tenants.locations()).table(table).build();
		this.tenants = tenants;
		this.source = source;
	}

	/**
	 * Lists the tenants this machine migrates: the source's, without duplicates, kept to
	 * this machine's shard.
	 * @return the tenant names, in the source's order
	 * @throws MigrationException naming a tenant that is not a plain schema name
	 */
	public List<String> tenants() {
		Set<String> listed = new LinkedHashSet<>();
		for (String tenant : this.source.tenants()) {
			listed.add(checked(tenant));
		}
		TenantShard shard = this.tenants.shard();
		return (shard != null) ? listed.stream().filter(shard::contains).toList() : List.copyOf(listed);
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
	 * Migrates one tenant, creating its schema when it is missing: for a tenant that
	 * signs up while the application runs.
	 * @param tenant the tenant's name, which is its schema's
	 * @return what the run did
	 * @throws MigrationException if the run fails
	 */
	public MigrateResult migrate(String tenant) {
		String name = checked(tenant);
		MigrationSnapshot snapshot = new MigrationSnapshot();
		Instant startedAt = Instant.now();
		try {
			MigrateResult result = migrator(name, snapshot, true).migrate();
			record(new TenantRun(name, result.applied().isEmpty() ? State.UP_TO_DATE : State.MIGRATED,
					result.applied().size(), startedAt, result.duration(), null, result.status()));
			return result;
		}
		catch (RuntimeException ex) {
			TenantRun failed = failed(name, startedAt, ex, snapshot);
			record(failed);
			throw Objects.requireNonNull(failed.error());
		}
	}

	/**
	 * Returns a migrator for one tenant, for the verbs a fleet run does not have
	 * ({@code status}, {@code rollback}, {@code repair}).
	 * @param tenant the tenant's name
	 * @return a migrator whose history table and {@code search_path} are the tenant's
	 */
	public Migrator migrator(String tenant) {
		return migrator(checked(tenant), MigrationListener.NONE, this.settings.createSchema());
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
		List<String> names = tenants();
		synchronized (this) {
			Map<String, TenantRun> previous = new LinkedHashMap<>(this.runs);
			this.runs.clear();
			for (String name : names) {
				this.runs.put(name, previous.getOrDefault(name, TenantRun.notStarted(name)));
			}
		}
		TenantShard shard = this.tenants.shard();
		logger.info("Starting to " + verb + " " + names.size() + plural(names.size(), " tenant")
				+ ((shard != null) ? " (shard " + shard + ")" : "") + ", "
				+ Math.max(1, Math.min(this.tenants.parallelism(), names.size())) + " at a time");
		TenantRun[] done = runInParallel(names, verb, body);
		FleetResult result = new FleetResult(verb, List.of(done), Duration.between(startedAt, Instant.now()));
		if (result.failed().isEmpty()) {
			logger.info(summary(result));
			return result;
		}
		String failure = failure(result, this.tenants.onError());
		if (this.tenants.onError() == OnError.CONTINUE_AND_START) {
			logger.error(failure + " The application starts anyway (cairn.tenants.on-error=continue-and-start); "
					+ "the failed tenants are DOWN in the health indicator.");
			return result;
		}
		throw new MigrationException(failure);
	}

	private TenantRun[] runInParallel(List<String> names, String verb, Verb body) {
		TenantRun[] done = new TenantRun[names.size()];
		AtomicBoolean stop = new AtomicBoolean();
		Progress progress = new Progress(verb, names.size());
		int threads = Math.max(1, Math.min(this.tenants.parallelism(), names.size()));
		ExecutorService pool = Executors.newFixedThreadPool(threads,
				threadFactory(Thread.currentThread().getContextClassLoader()));
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < names.size(); i++) {
				int index = i;
				futures.add(pool.submit(() -> {
					String name = names.get(index);
					TenantRun run = stop.get() ? TenantRun.notStarted(name) : run(name, body);
					if (run.state() == State.FAILED && this.tenants.onError() == OnError.FAIL) {
						stop.set(true);
					}
					done[index] = run;
					record(run);
					progress.tenantDone(run.state() == State.FAILED);
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			pool.shutdownNow();
			throw new MigrationException("Interrupted while migrating tenants; each tenant that ran stopped as a "
					+ "failed run does, so the next run resumes it.");
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A tenant's run failed outside its migrator", ex.getCause());
		}
		finally {
			pool.shutdown();
		}
		return done;
	}

	private TenantRun run(String name, Verb body) {
		MigrationSnapshot snapshot = new MigrationSnapshot();
		Instant startedAt = Instant.now();
		try {
			Outcome outcome = body.run(migrator(name, snapshot, this.settings.createSchema()));
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

	private Migrator migrator(String name, MigrationListener listener, boolean createSchema) {
		MigrationListener tenantListener = new MigrationListener() {

			@Override
			public void lockWaiting(LockHolder holder, Duration waited) {
				logger.info("Tenant " + name + ": waiting for its migration lock for " + waited.toSeconds()
						+ " s; it is held by " + holder.describe());
			}

		};
		return new Migrator(new SchemaFirstDataSource(this.dataSource, name),
				this.settings.toBuilder().schema(name).createSchema(createSchema).build(),
				MigrationListeners.of(List.of(listener, tenantListener)), List.of());
	}

	private synchronized void record(TenantRun run) {
		this.runs.put(run.tenant(), run);
	}

	private static String checked(@Nullable String tenant) {
		String name = (tenant != null) ? tenant.strip() : "";
		if (!SCHEMA.matcher(name).matches()) {
			throw new MigrationException("Tenant '" + tenant + "' is not a schema name Cairn can use: use letters, "
					+ "digits, underscores and $ only, starting with a letter or underscore, at most 63 characters. "
					+ "Fix it in cairn.tenants.schemas, the rows of cairn.tenants.query, or your TenantSource.");
		}
		return name;
	}

	/**
	 * The message a fleet run fails with: how many tenants failed, each with its error,
	 * and what to do.
	 */
	static String failure(FleetResult result, OnError onError) {
		List<TenantRun> failed = result.failed();
		int notStarted = result.count(State.NOT_STARTED);
		int total = result.tenants().size();
		StringBuilder message = new StringBuilder();
		message.append(failed.size())
			.append(" of ")
			.append(total)
			.append(plural(total, " tenant"))
			.append(" failed to ")
			.append(result.verb())
			.append(" (cairn.tenants.on-error=")
			.append(onError.value())
			.append(')');
		if (notStarted > 0) {
			message.append(", so ").append(notStarted).append(" did not start");
		}
		message.append(':');
		for (TenantRun run : failed) {
			String error = String.valueOf(Objects.requireNonNull(run.error()).getMessage());
			message.append("\n- ").append(run.tenant()).append(": ").append(error.replace("\n", "\n  "));
		}
		int fine = total - failed.size() - notStarted;
		message.append("\nFix what failed and restart: each tenant resumes where it stopped");
		if (fine > 0) {
			message.append(", and the ").append(fine).append(" that succeeded are left as they are");
		}
		return message.append('.').toString();
	}

	private static String summary(FleetResult result) {
		int total = result.tenants().size();
		String what = result.verb().equals("migrate")
				? "Migrated " + total + plural(total, " tenant") + " in " + result.duration().toMillis() + " ms: "
						+ result.applied() + plural(result.applied(), " migration") + " applied, "
						+ result.count(State.MIGRATED) + " changed, " + result.count(State.UP_TO_DATE)
						+ " already up to date"
				: "Validated " + total + plural(total, " tenant") + " in " + result.duration().toMillis() + " ms: "
						+ result.count(State.UP_TO_DATE) + " up to date, " + result.count(State.PENDING)
						+ " with pending migrations";
		return what;
	}

	private static String plural(int count, String word) {
		return (count == 1) ? word : word + "s";
	}

	private static ThreadFactory threadFactory(@Nullable ClassLoader classLoader) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, "cairn-tenant-" + count.incrementAndGet());
			thread.setContextClassLoader(classLoader);
			thread.setDaemon(true);
			return thread;
		};
	}

	@FunctionalInterface
	private interface Verb {

		Outcome run(Migrator migrator);

	}

	private record Outcome(State state, int applied, MigrationStatus status) {

	}

	/**
	 * Logs how far a long fleet run is, at most every ten seconds.
	 */
	private static final class Progress {

		private final String verb;

		private final int total;

		private final AtomicInteger done = new AtomicInteger();

		private final AtomicInteger failed = new AtomicInteger();

		private final AtomicLong lastLogged = new AtomicLong(System.nanoTime());

		Progress(String verb, int total) {
			this.verb = verb;
			this.total = total;
		}

		void tenantDone(boolean failed) {
			int finished = this.done.incrementAndGet();
			int failures = failed ? this.failed.incrementAndGet() : this.failed.get();
			long now = System.nanoTime();
			long last = this.lastLogged.get();
			if (now - last >= PROGRESS_EVERY.toNanos() && this.lastLogged.compareAndSet(last, now)) {
				logger.info("Tenants to " + this.verb + ": " + finished + " of " + this.total + " done, " + failures
						+ " failed");
			}
		}

	}

}
