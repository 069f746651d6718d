package dev.cairn.test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cairn.core.Migrator;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template databases and their clones on one server, shared by everything in the JVM.
 * <p>
 * A template is named after a digest of the migrator's {@link Migrator#fingerprint()} and
 * the server's major version, so an edited migration gets a new template and an old one
 * is never reused. It is built once across JVMs: a builder takes an advisory lock on the
 * name, looks again, migrates a database named {@code <template>_build}, marks it
 * {@code datistemplate} without connections and only then renames it, so a database under
 * a template's name is always complete; a second builder waits on the lock and then
 * reuses it. Of the templates this JVM has not used, all but the {@value #KEEP_OLD}
 * newest are dropped; one dropped while another run still uses it is built again.
 * <p>
 * Clones are named {@code cairn_clone_<pid>_<owner>_<n>}. The JVM holds an advisory lock
 * on its owner number for as long as it lives, so a clone whose owner's lock is free was
 * left by a run that died, and is dropped when the next run starts. A background thread
 * keeps {@code cairn.test.pool-size} clones (2 by default) of each template made ahead,
 * and drops used ones, so that a test waits for neither.
 */
final class Templates {

	static final String TEMPLATE_PREFIX = "cairn_template_";

	static final String CLONE_PREFIX = "cairn_clone_";

	static final String KEPT_PREFIX = "cairn_kept_";

	private static final String BUILD_SUFFIX = "_build";

	private static final int KEEP_OLD = 2;

	/** The first key of the advisory lock a builder holds while it builds a template. */
	private static final int BUILD_LOCK = 0x43524e42;

	/** The first key of the advisory lock a JVM holds for as long as its clones live. */
	private static final int OWNER_LOCK = 0x43524e4f;

	private static final Logger logger = LoggerFactory.getLogger(Templates.class);

	private static final Map<String, Templates> servers = new ConcurrentHashMap<>();

	private final TestServer server;

	private final Connection keeper;

	private final int major;

	private final int owner;

	private final int poolSize;

	private final String strategy;

	private final Map<String, TemplateRecipe> complete = new ConcurrentHashMap<>();

	private final Map<String, Pool> pools = new ConcurrentHashMap<>();

	private final AtomicInteger sequence = new AtomicInteger();

	private final ExecutorService background = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "cairn-test-databases");
		thread.setDaemon(true);
		return thread;
	});

	private @Nullable Connection backgroundConnection;

	private volatile boolean closed;

	private Templates(TestServer server, int poolSize) throws SQLException {
		this.server = server;
		this.poolSize = poolSize;
		String strategy = System.getProperty("cairn.test.clone-strategy", "FILE_COPY").strip().toUpperCase(Locale.ROOT);
		if (!strategy.equals("FILE_COPY") && !strategy.equals("WAL_LOG")) {
			throw new SQLException("cairn.test.clone-strategy is '" + strategy + "'; use FILE_COPY or WAL_LOG");
		}
		this.keeper = server.connect();
		this.major = Integer.parseInt(single(this.keeper, "SELECT current_setting('server_version_num')")) / 10000;
		this.strategy = (this.major >= 15) ? " STRATEGY " + strategy : "";
		int candidate = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
		for (int tries = 1; !tryLock(this.keeper, OWNER_LOCK, candidate); tries++) {
			if (tries == 10) {
				throw new SQLException("no free owner number for the test databases' advisory lock");
			}
			candidate = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
		}
		this.owner = candidate;
		cleanLeftovers();
		Runtime.getRuntime().addShutdownHook(new Thread(this::close, "cairn-test-databases-cleanup"));
	}

	/**
	 * Connects a second, independent instance, as another JVM would have; for tests.
	 * @param server the server
	 * @param poolSize how many clones to make ahead
	 * @return the instance, not shared
	 * @throws SQLException if the server refuses
	 */
	static Templates connect(TestServer server, int poolSize) throws SQLException {
		return new Templates(server, poolSize);
	}

	/**
	 * Ends this instance's session without dropping anything, as a killed JVM would; for
	 * tests.
	 * @throws SQLException if closing fails
	 */
	void abandon() throws SQLException {
		this.closed = true;
		this.background.shutdownNow();
		this.keeper.close();
		if (this.backgroundConnection != null) {
			this.backgroundConnection.close();
		}
	}

	/**
	 * Returns the templates of a server, connecting on first use.
	 * @param server the server
	 * @return the JVM's one instance for that server
	 */
	static Templates on(TestServer server) {
		return servers.computeIfAbsent(server.url(), (url) -> {
			try {
				return new Templates(server, Integer.getInteger("cairn.test.pool-size", 2));
			}
			catch (SQLException ex) {
				throw new IllegalStateException(
						"Cannot prepare test databases on " + TestServer.redact(url) + ": " + ex.getMessage(), ex);
			}
		});
	}

	TestServer server() {
		return this.server;
	}

	/**
	 * Returns the name of the template for a recipe, building it if no JVM has yet.
	 * @param recipe the settings and Java migrations
	 * @return the template's name
	 */
	String template(TemplateRecipe recipe) {
		PGSimpleDataSource target = new PGSimpleDataSource();
		Migrator migrator = recipe.migrator(target);
		String name = TEMPLATE_PREFIX + key(migrator.fingerprint() + "\npostgresql " + this.major);
		if (this.complete.containsKey(name)) {
			return name;
		}
		synchronized (this.keeper) {
			try {
				if (!isTemplate(name)) {
					execute(this.keeper, "SELECT pg_advisory_lock(" + BUILD_LOCK + ", hashtext('" + name + "'))");
					try {
						if (!isTemplate(name)) {
							build(name, migrator, target);
						}
					}
					finally {
						execute(this.keeper, "SELECT pg_advisory_unlock(" + BUILD_LOCK + ", hashtext('" + name + "'))");
					}
				}
			}
			catch (SQLException ex) {
				throw failure("build the template database " + name, ex);
			}
		}
		this.complete.put(name, recipe);
		return name;
	}

	private void build(String name, Migrator migrator, PGSimpleDataSource target) throws SQLException {
		long started = System.nanoTime();
		String building = name + BUILD_SUFFIX;
		drop(this.keeper, building);
		execute(this.keeper, "CREATE DATABASE " + building);
		target.setURL(this.server.urlFor(building));
		try {
			migrator.migrate();
		}
		catch (RuntimeException ex) {
			drop(this.keeper, building);
			throw ex;
		}
		execute(this.keeper, "ALTER DATABASE " + building + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
		whenUnused(this.keeper, building, "ALTER DATABASE " + building + " RENAME TO " + name);
		logger.info("Built the template database {} in {} ms", name,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		dropOldTemplates(name);
	}

	private void dropOldTemplates(String current) throws SQLException {
		List<String> old = names(this.keeper,
				"SELECT datname FROM pg_database WHERE datistemplate AND datname LIKE '" + like(TEMPLATE_PREFIX)
						+ "%' AND datname NOT LIKE '%" + like(BUILD_SUFFIX) + "' AND datname <> '" + current
						+ "' ORDER BY oid DESC");
		old.removeAll(this.complete.keySet());
		for (String name : old.subList(Math.min(KEEP_OLD, old.size()), old.size())) {
			try {
				drop(this.keeper, name);
				logger.info("Dropped the old template database {}", name);
			}
			catch (SQLException ex) {
				logger.warn("Could not drop the old template database {}: {}", name, ex.getMessage());
			}
		}
	}

	/**
	 * Hands out a fresh clone of a template, made ahead when the pool has one.
	 * @param template the template's name
	 * @return the clone's name
	 */
	String take(String template) {
		Pool pool = this.pools.computeIfAbsent(template, Pool::new);
		String name = pool.ready.poll();
		if (name == null) {
			synchronized (this.keeper) {
				try {
					name = createClone(this.keeper, template);
				}
				catch (SQLException ex) {
					name = rebuildIfGone(template, ex);
				}
			}
		}
		pool.refill();
		return name;
	}

	/**
	 * Builds a template again that another run dropped as old while this one still uses
	 * it, and clones it.
	 */
	private String rebuildIfGone(String template, SQLException ex) {
		TemplateRecipe recipe = this.complete.remove(template);
		if (!"3D000".equals(ex.getSQLState()) || recipe == null) {
			throw failure("clone the template database " + template, ex);
		}
		logger.info("The template database {} is gone (another run dropped it as old): building it again", template);
		template(recipe);
		try {
			return createClone(this.keeper, template);
		}
		catch (SQLException again) {
			throw failure("clone the template database " + template, again);
		}
	}

	/**
	 * Drops a clone in the background.
	 * @param clone the clone's name
	 */
	void drop(String clone) {
		if (this.closed) {
			return;
		}
		try {
			this.background.execute(() -> {
				try {
					drop(backgroundConnection(), clone);
				}
				catch (SQLException ex) {
					logger.warn("Could not drop the test database {}: {}", clone, ex.getMessage());
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// The JVM is ending: the next run drops it.
		}
	}

	/**
	 * Keeps a clone under a name that no cleanup touches.
	 * @param clone the clone's name
	 * @param hint a word for the new name, such as the failed test's name
	 * @return the name it is kept under
	 */
	String keep(String clone, String hint) {
		String word = hint.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
		String kept = KEPT_PREFIX + word.substring(0, Math.min(word.length(), 30)) + "_"
				+ Integer.toHexString(this.owner) + "_" + this.sequence.incrementAndGet();
		synchronized (this.keeper) {
			try {
				whenUnused(this.keeper, clone, "ALTER DATABASE " + clone + " RENAME TO " + kept);
			}
			catch (SQLException ex) {
				throw failure("keep the test database " + clone, ex);
			}
		}
		return kept;
	}

	private String createClone(Connection connection, String template) throws SQLException {
		String name = CLONE_PREFIX + ProcessHandle.current().pid() + "_" + Integer.toHexString(this.owner) + "_"
				+ this.sequence.incrementAndGet();
		// WAL_LOG, the server's default since 15, copies block by block through the WAL
		// and
		// serialises concurrent clones; FILE_COPY copies the files, at the price of two
		// checkpoints.
		execute(connection, "CREATE DATABASE " + name + " TEMPLATE " + template + this.strategy);
		return name;
	}

	private synchronized Connection backgroundConnection() throws SQLException {
		if (this.backgroundConnection == null || this.backgroundConnection.isClosed()) {
			this.backgroundConnection = this.server.connect();
		}
		return this.backgroundConnection;
	}

	/** Drops the clones and build databases of runs that are no longer alive. */
	private void cleanLeftovers() throws SQLException {
		Map<Integer, List<String>> byOwner = new HashMap<>();
		for (String name : names(this.keeper,
				"SELECT datname FROM pg_database WHERE datname LIKE '" + like(CLONE_PREFIX) + "%'")) {
			String[] parts = name.substring(CLONE_PREFIX.length()).split("_");
			if (parts.length == 3 && parts[1].matches("[0-9a-f]{1,8}")) {
				byOwner.computeIfAbsent(Integer.parseUnsignedInt(parts[1], 16), (k) -> new ArrayList<>()).add(name);
			}
		}
		int dropped = 0;
		for (Map.Entry<Integer, List<String>> entry : byOwner.entrySet()) {
			if (entry.getKey() != this.owner && tryLock(this.keeper, OWNER_LOCK, entry.getKey())) {
				try {
					for (String name : entry.getValue()) {
						drop(this.keeper, name);
						dropped++;
					}
				}
				finally {
					execute(this.keeper, "SELECT pg_advisory_unlock(" + OWNER_LOCK + ", " + entry.getKey() + ")");
				}
			}
		}
		for (String name : names(this.keeper, "SELECT datname FROM pg_database WHERE datname LIKE '"
				+ like(TEMPLATE_PREFIX) + "%" + like(BUILD_SUFFIX) + "'")) {
			if (bool(this.keeper, "SELECT pg_try_advisory_lock(" + BUILD_LOCK + ", hashtext('"
					+ name.replace(BUILD_SUFFIX, "") + "'))")) {
				try {
					drop(this.keeper, name);
					dropped++;
				}
				finally {
					execute(this.keeper, "SELECT pg_advisory_unlock(" + BUILD_LOCK + ", hashtext('"
							+ name.replace(BUILD_SUFFIX, "") + "'))");
				}
			}
		}
		if (dropped > 0) {
			logger.info("Dropped {} test databases left behind by earlier runs that ended without cleaning up",
					dropped);
		}
	}

	/** Finishes the drops under way, drops the clones made ahead and disconnects. */
	void close() {
		this.closed = true;
		this.background.shutdown();
		try {
			this.background.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		synchronized (this.keeper) {
			try {
				for (Pool pool : this.pools.values()) {
					for (String name = pool.ready.poll(); name != null; name = pool.ready.poll()) {
						drop(this.keeper, name);
					}
				}
				this.keeper.close();
				if (this.backgroundConnection != null) {
					this.backgroundConnection.close();
				}
			}
			catch (SQLException ex) {
				// The owner lock ends with the session, so the next run drops what is
				// left.
			}
		}
	}

	private boolean isTemplate(String name) throws SQLException {
		return bool(this.keeper,
				"SELECT count(*) = 1 FROM pg_database WHERE datistemplate AND datname = '" + name + "'");
	}

	/**
	 * Runs a statement that needs the database to have no sessions, ending the sessions
	 * still closing (a client's close does not wait for its server process to exit).
	 */
	private static void whenUnused(Connection connection, String database, String sql) throws SQLException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				execute(connection, sql);
				return;
			}
			catch (SQLException ex) {
				if (!"55006".equals(ex.getSQLState()) || System.nanoTime() > deadline) {
					throw ex;
				}
				execute(connection, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
						+ database + "' AND pid <> pg_backend_pid()");
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw ex;
				}
			}
		}
	}

	private static void drop(Connection connection, String name) throws SQLException {
		if (bool(connection, "SELECT count(*) = 1 FROM pg_database WHERE datistemplate AND datname = '" + name + "'")) {
			execute(connection, "ALTER DATABASE " + name + " WITH IS_TEMPLATE false");
		}
		execute(connection, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
	}

	private static boolean tryLock(Connection connection, int first, int second) throws SQLException {
		return bool(connection, "SELECT pg_try_advisory_lock(" + first + ", " + second + ")");
	}

	private static void execute(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static boolean bool(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getBoolean(1);
		}
	}

	private static String single(Connection connection, String sql) throws SQLException {
		List<String> values = names(connection, sql);
		return values.get(0);
	}

	private static List<String> names(Connection connection, String sql) throws SQLException {
		List<String> values = new ArrayList<>();
		try (PreparedStatement statement = connection.prepareStatement(sql);
				ResultSet result = statement.executeQuery()) {
			while (result.next()) {
				values.add(result.getString(1));
			}
		}
		return values;
	}

	private static String like(String text) {
		return text.replace("_", "\\_");
	}

	private static String key(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	private IllegalStateException failure(String action, SQLException ex) {
		return new IllegalStateException(
				"Could not " + action + " on " + TestServer.redact(this.server.url()) + ": " + ex.getMessage(), ex);
	}

	/** The clones of one template made ahead. */
	private final class Pool {

		private final String template;

		private final BlockingQueue<String> ready = new LinkedBlockingQueue<>();

		private int pending;

		Pool(String template) {
			this.template = template;
		}

		synchronized void refill() {
			while (!Templates.this.closed && this.ready.size() + this.pending < Templates.this.poolSize) {
				this.pending++;
				try {
					Templates.this.background.execute(this::makeOne);
				}
				catch (RejectedExecutionException ex) {
					this.pending--;
					return;
				}
			}
		}

		private void makeOne() {
			try {
				this.ready.add(createClone(backgroundConnection(), this.template));
			}
			catch (SQLException ex) {
				logger.warn("Could not make a clone of {} ahead: {}", this.template, ex.getMessage());
			}
			finally {
				synchronized (this) {
					this.pending--;
				}
			}
		}

	}

}
