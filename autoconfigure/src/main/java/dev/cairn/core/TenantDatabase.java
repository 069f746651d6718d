package dev.cairn.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * A tenant database that is created the first time a connection to it finds it missing:
 * {@code CREATE DATABASE}, which cannot run in a transaction, is sent in autocommit from
 * the server's {@code postgres} database, empty or as a copy of the template
 * {@link TenantDatabases#template()} names. A database created meanwhile by another
 * instance is taken as it is.
 */
final class TenantDatabase extends DelegatingDataSource {

	private static final Log logger = LogFactory.getLog(TenantDatabase.class);

	private static final String MISSING_DATABASE = "3D000";

	private static final String DUPLICATE_DATABASE = "42P04";

	private static final String TEMPLATE_IN_USE = "55006";

	private final Tenant tenant;

	private final TenantDatabases databases;

	private final boolean create;

	TenantDatabase(Tenant tenant, TenantDatabases databases, boolean create) {
		super(databases.dataSource(url(tenant)));
		this.tenant = tenant;
		this.databases = databases;
		this.create = create;
	}

	@Override
	public Connection getConnection() throws SQLException {
		try {
			return super.getConnection();
		}
		catch (SQLException ex) {
			if (!this.create || !MISSING_DATABASE.equals(ex.getSQLState())) {
				throw ex;
			}
		}
		create();
		return super.getConnection();
	}

	private void create() throws SQLException {
		String template = this.databases.template();
		DataSource maintenance = this.databases.dataSource(Tenant.withDatabase(url(this.tenant), "postgres"));
		try (Connection connection = maintenance.getConnection(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(true);
			statement.execute("CREATE DATABASE \"" + this.tenant.name() + "\""
					+ ((template != null) ? " TEMPLATE \"" + template + "\"" : ""));
			logger.info("Tenant " + this.tenant.name() + ": created its database"
					+ ((template != null) ? " as a copy of " + template : ""));
		}
		catch (SQLException ex) {
			if (!DUPLICATE_DATABASE.equals(ex.getSQLState())) {
				throw MigrationException.causedBy(failedToCreate(template, ex), ex);
			}
		}
	}

	private String failedToCreate(@Nullable String template, SQLException ex) {
		String failed = "Could not create the database of tenant " + this.tenant.name()
				+ ((template != null) ? " as a copy of " + template : "") + ": " + ex.getMessage() + " (SQLSTATE "
				+ ex.getSQLState() + "). Nothing was applied. ";
		if (template != null && TEMPLATE_IN_USE.equals(ex.getSQLState())) {
			return failed + "A template can only be copied while no session is connected to it: wait for the "
					+ "session on " + template + " to end (a run migrating the template, or a client), then "
					+ "retry.";
		}
		if (template != null && MISSING_DATABASE.equals(ex.getSQLState())) {
			return failed + "Create " + template + " and migrate it with the tenant migrations (list it as a "
					+ "tenant), or unset cairn.tenants.template-database to create empty tenant databases.";
		}
		return failed + "Create it yourself (CREATE DATABASE \"" + this.tenant.name() + "\"), or give the "
				+ "migration user the CREATEDB privilege.";
	}

	private static String url(Tenant tenant) {
		String url = tenant.url();
		if (url == null) {
			throw new IllegalArgumentException("Tenant " + tenant.name() + " is a schema, not a database");
		}
		return url;
	}

}
