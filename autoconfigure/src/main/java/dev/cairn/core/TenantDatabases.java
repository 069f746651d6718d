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
	 * Returns the database a missing tenant database is created from: a template kept
	 * migrated with the tenant migrations, so that a new tenant starts as a copy and only
	 * what is newer than the template runs. {@code null} (the default) creates an empty
	 * database and runs every migration.
	 * @return the template database's name, or {@code null}
	 */
	default @Nullable String template() {
		return null;
	}

	/**
	 * Returns these databases, with missing ones created as copies of a template.
	 * @param template the template database's name, on the same server as each tenant
	 * @return the databases
	 */
	default TenantDatabases clonedFrom(String template) {
		TenantDatabases databases = this;
		return new TenantDatabases() {

			@Override
			public DataSource dataSource(String url) {
				return databases.dataSource(url);
			}

			@Override
			public String template() {
				return template;
			}

		};
	}

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
