package dev.cairn.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.postgresql.PGConnection;

import org.jspecify.annotations.Nullable;

/**
 * What lies between Cairn and the server: a connection that keeps one server session, or
 * a pooler that may run each transaction on another one. Found once per run, on the
 * lock's connection.
 *
 * @param switchesSessions whether consecutive transactions may run on different server
 * sessions
 * @param evidence why Cairn believes so, for the messages
 * @param server the server as it reports itself ({@code host:port})
 */
record Pooler(boolean switchesSessions, String evidence, String server) {

	/** SQL for the server as it reports itself, the {@code server} of a pooler. */
	static final String SERVER = "coalesce(host(inet_server_addr()) || ':' || inet_server_port(), 'the local socket')";

	/**
	 * Decides for a connection, per the setting.
	 * @param connection a connection fresh from the data source
	 * @param mode the setting
	 * @param serverPid the pid of the server session that answered on it
	 * @param server the server as it reports itself
	 * @return what lies between
	 */
	static Pooler of(Connection connection, PoolerMode mode, int serverPid, String server) throws SQLException {
		return switch (mode) {
			case SESSION -> new Pooler(false, "cairn.pooler-mode=session", server);
			case TRANSACTION -> new Pooler(true, "cairn.pooler-mode=transaction", server);
			case DETECT -> {
				int keyPid = connection.unwrap(PGConnection.class).getBackendPID();
				yield (keyPid != serverPid)
						? new Pooler(true,
								"the backend key the connection got names pid " + keyPid
										+ ", but its server session is pid " + serverPid,
								server)
						: new Pooler(false, "a direct connection", server);
			}
		};
	}

	/**
	 * Refuses, before any tenant runs, tenant schemas behind a pooler that may run each
	 * transaction on another server session: a tenant's schema goes first on
	 * {@code search_path} as a session setting, which such a pooler neither keeps for the
	 * next transaction nor clears for its other clients.
	 * @param dataSource the main database, where the tenant schemas live
	 * @param mode the setting
	 * @param schemas how many tenants are schemas
	 */
	static void refuseTenantSchemas(DataSource dataSource, PoolerMode mode, int schemas) {
		if (mode == PoolerMode.SESSION || schemas == 0) {
			return;
		}
		Pooler pooler;
		try (Connection connection = dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT pg_backend_pid(), " + SERVER);
				ResultSet result = statement.executeQuery()) {
			result.next();
			pooler = of(connection, mode, result.getInt(1), result.getString(2));
		}
		catch (SQLException ex) {
			throw MigrationException.causedBy("Could not connect to the main database to migrate its tenant schemas: "
					+ ex.getMessage() + ". Nothing was applied to any tenant.", ex);
		}
		if (pooler.switchesSessions) {
			throw new MigrationException("Tenant schemas cannot be migrated through this connection: it goes through "
					+ "a pooler that may run each transaction on another server session (" + pooler.evidence
					+ "; PgBouncer, Supavisor and RDS Proxy do so in transaction mode), but each tenant's schema goes "
					+ "first on search_path as a session setting, which would not follow its migrations and would "
					+ "stay behind for the pool's other clients. Nothing was applied to any of the " + schemas
					+ ((schemas == 1) ? " tenant schema" : " tenant schemas") + ". Point cairn.url at PostgreSQL "
					+ "itself (the server reports itself as " + pooler.server + ") to migrate tenants, or, if the "
					+ "pooler keeps one server session per client (session mode), set cairn.pooler-mode=session.");
		}
	}

	/**
	 * Turns pgjdbc's server-prepared statements off on a connection, since a named
	 * statement prepared in one server session does not exist in the next one; nothing
	 * changes when sessions are not switched.
	 * @param connection the connection
	 * @return the threshold to put back with {@link #restoreStatements}
	 */
	int unnamedStatements(Connection connection) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		int threshold = pg.getPrepareThreshold();
		if (this.switchesSessions) {
			pg.setPrepareThreshold(0);
		}
		return threshold;
	}

	/**
	 * Puts back pgjdbc's prepare threshold of a connection lent by the application.
	 * @param connection the connection
	 * @param threshold the threshold it had
	 */
	void restoreStatements(Connection connection, int threshold) throws SQLException {
		if (this.switchesSessions && !connection.isClosed()) {
			connection.unwrap(PGConnection.class).setPrepareThreshold(threshold);
		}
	}

	/**
	 * Refuses, before anything runs, the pending migrations that must run outside a
	 * transaction when sessions may switch between transactions: their statements could
	 * land on different server sessions, without the run's {@code lock_timeout}, and
	 * their settings would stay behind for the pool's other clients.
	 * @param migrations the pending migrations
	 * @param scripts their parsed files, {@code null} for Java migrations
	 */
	void refuseOutsideTransaction(List<ResolvedMigration> migrations, List<@Nullable SqlScript> scripts) {
		if (!this.switchesSessions) {
			return;
		}
		for (int i = 0; i < scripts.size(); i++) {
			SqlScript script = scripts.get(i);
			if (script != null && !script.transactional()) {
				throw outsideTransaction(migrations.get(i).script(), "Nothing was applied");
			}
		}
	}

	/**
	 * Returns the refusal of one file that must run outside a transaction.
	 * @param script the file
	 * @param consequence what the run did, such as "Nothing was applied"
	 * @return the exception to throw
	 */
	MigrationException outsideTransaction(String script, String consequence) {
		return MigrationException.inFile(script, script + " runs outside a transaction, but Cairn's connection goes "
				+ "through a pooler that may run each transaction on another server session (" + this.evidence
				+ "; PgBouncer, Supavisor and RDS Proxy do so in transaction mode). Its statements could run on "
				+ "different server sessions, without Cairn's lock_timeout, and their settings would stay behind for "
				+ "the pool's other clients. " + consequence + ". Point cairn.url at PostgreSQL itself (the server "
				+ "reports itself as " + this.server + ") to migrate, or, if the pooler keeps one server session per "
				+ "client (session mode), set cairn.pooler-mode=session.", null);
	}

}
