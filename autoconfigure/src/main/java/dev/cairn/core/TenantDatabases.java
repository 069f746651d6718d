package dev.cairn.core;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Connects to the tenants that are databases of their own, given each one's JDBC URL.
 * Each run opens its own connections and closes them when it is done.
 */
@FunctionalInterface
public interface TenantDatabases {

	/**
	 * Returns a data source for one tenant database.
	 * @param url the database's JDBC URL, as the tenant source listed it
	 * @return the data source
	 */
	DataSource dataSource(String url);

	/**
	 * Returns the databases reached with one user and password, such as the main
	 * database's.
	 * @param user the user, or {@code null} for the one the URL names
	 * @param password the password, or {@code null}
	 * @return the databases
	 */
	static TenantDatabases withCredentials(@Nullable String user, @Nullable String password) {
		return (url) -> new SimpleDriverDataSource(new Driver(), url, user, password);
	}

}
