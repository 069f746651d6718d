package dev.cairn.core;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Lends connections with a tenant's schema first on {@code search_path}, so that the
 * unqualified names of the migrations it runs land in that schema, and gives them back to
 * the pool with the {@code search_path} they had.
 * <p>
 * The path is set as a session setting, which is what a run keeps when it resets the
 * session after each migration; the schema need not exist yet (PostgreSQL skips a missing
 * schema on the path), since the run creates it with its history table.
 */
final class SchemaFirstDataSource implements DataSource {

	private static final Log logger = LogFactory.getLog(SchemaFirstDataSource.class);

	private static final String SET = "SELECT old, set_config('search_path', CASE WHEN old = '' THEN ? "
			+ "ELSE ? || ', ' || old END, false) FROM (SELECT current_setting('search_path') AS old) AS path";

	private final DataSource dataSource;

	private final String schema;

	SchemaFirstDataSource(DataSource dataSource, String schema) {
		this.dataSource = dataSource;
		this.schema = '"' + schema + '"';
	}

	@Override
	public Connection getConnection() throws SQLException {
		return schemaFirst(this.dataSource.getConnection());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		return schemaFirst(this.dataSource.getConnection(username, password));
	}

	private Connection schemaFirst(Connection connection) throws SQLException {
		String old;
		try (PreparedStatement statement = connection.prepareStatement(SET)) {
			statement.setString(1, this.schema);
			statement.setString(2, this.schema);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				old = result.getString(1);
			}
		}
		catch (SQLException ex) {
			connection.close();
			throw ex;
		}
		return (Connection) Proxy.newProxyInstance(SchemaFirstDataSource.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (method.getName().equals("close") && method.getParameterCount() == 0) {
						restore(connection, old);
						connection.close();
						return null;
					}
					try {
						return method.invoke(connection, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	private static void restore(Connection connection, String old) {
		try {
			if (!connection.isClosed()) {
				try (PreparedStatement statement = connection
					.prepareStatement("SELECT set_config('search_path', ?, false)")) {
					statement.setString(1, old);
					statement.execute();
				}
			}
		}
		catch (SQLException ex) {
			logger.warn("Could not give a tenant's connection its search_path back: " + ex.getMessage());
		}
	}

	@Override
	public PrintWriter getLogWriter() throws SQLException {
		return this.dataSource.getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		this.dataSource.setLogWriter(out);
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		this.dataSource.setLoginTimeout(seconds);
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.dataSource.getLoginTimeout();
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		return this.dataSource.getParentLogger();
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		return this.dataSource.unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return this.dataSource.isWrapperFor(iface);
	}

}
