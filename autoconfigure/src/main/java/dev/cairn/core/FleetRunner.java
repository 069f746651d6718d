package dev.cairn.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.cairn.core.TenantRun.State;

/**
 * Runs a fleet's tenants on up to {@code parallelism} threads of their own, in list
 * order; once a tenant fails with {@code stopOnFailure}, the tenants not started yet are
 * {@link State#NOT_STARTED}. Logs a progress line at most every ten seconds.
 */
final class FleetRunner {

	// The fleet's lines keep the category operators already set a level for.
	private static final Log logger = LogFactory.getLog("dev.cairn.core.TenantMigrations");

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

	private FleetRunner() {
	}

	/**
	 * Runs every tenant.
	 * @param tenants the tenants, in the order they start
	 * @param verb what the run does, for the progress line
	 * @param parallelism how many tenants run at once
	 * @param stopOnFailure whether a failure stops new tenants from starting
	 * @param body one tenant's run, which never throws
	 * @param done hears each tenant's run as it ends
	 * @return each tenant's run, in list order
	 */
	static TenantRun[] run(List<Tenant> tenants, String verb, int parallelism, boolean stopOnFailure,
			Function<Tenant, TenantRun> body, Consumer<TenantRun> done) {
		TenantRun[] runs = new TenantRun[tenants.size()];
		AtomicBoolean stop = new AtomicBoolean();
		Progress progress = new Progress(verb, tenants.size());
		ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, tenants.size())),
				threadFactory(Thread.currentThread().getContextClassLoader()));
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < tenants.size(); i++) {
				int index = i;
				futures.add(pool.submit(() -> {
					Tenant tenant = tenants.get(index);
					TenantRun run = stop.get() ? TenantRun.notStarted(tenant.name()) : body.apply(tenant);
					if (run.state() == State.FAILED && stopOnFailure) {
						stop.set(true);
					}
					runs[index] = run;
					done.accept(run);
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
		return runs;
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
