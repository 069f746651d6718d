package dev.cairn.core;

/**
 * Whether Cairn's connections keep one server session for as long as Cairn holds them,
 * which decides how the migration lock is held and what can run.
 */
public enum PoolerMode {

	/**
	 * Finds out per run: a connection whose backend key does not name its server
	 * session's pid goes through a pooler (PgBouncer, Supavisor, RDS Proxy and the like
	 * all hand out keys of their own), and is treated as {@link #TRANSACTION}; any other
	 * as {@link #SESSION}.
	 */
	DETECT,

	/**
	 * The connection keeps one server session: a direct connection, or a pooler in
	 * session mode. The lock is a session advisory lock, and every migration can run.
	 */
	SESSION,

	/**
	 * Consecutive transactions on one connection may run on different server sessions (a
	 * pooler in transaction mode). The lock is a transaction-scoped advisory lock held in
	 * an open transaction, which pins its server session and cannot outlive it;
	 * statements are not server-prepared; and a migration that must run outside a
	 * transaction is refused before anything runs.
	 */
	TRANSACTION

}
