package dev.cairn.core;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Names the tenants {@link TenantMigrations} migrates, each a schema of the main database
 * ({@code acme}) or a database of its own, by its JDBC URL
 * ({@code jdbc:postgresql://db-eu:5432/acme}, a tenant named after its database): a fixed
 * list, the result of a query, or anything a bean can find.
 */
@FunctionalInterface
public interface TenantSource {

	/**
	 * Returns the tenants, each the name of its schema or its database's JDBC URL; asked
	 * again at every fleet run, so that tenants added since are included.
	 * @return the tenants, in the order they should start
	 */
	List<String> tenants();

	/**
	 * Returns a source of a fixed list of tenants.
	 * @param tenants the schema names or JDBC URLs
	 * @return the source
	 */
	static TenantSource of(List<String> tenants) {
		List<String> copy = List.copyOf(tenants);
		return () -> copy;
	}

	/**
	 * Returns a source that runs a query whose first column holds the schema names or
	 * JDBC URLs.
	 * @param dataSource where the query runs
	 * @param sql the query, for example {@code SELECT schema_name FROM tenants}
	 * @return the source
	 */
	static TenantSource query(DataSource dataSource, String sql) {
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		return () -> jdbc.query(sql, (row, rowNum) -> row.getString(1));
	}

}
