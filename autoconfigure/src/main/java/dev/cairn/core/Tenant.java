package dev.cairn.core;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One tenant of a fleet: a schema of the main database, or a database of its own.
 * <p>
 * A {@link TenantSource} names each tenant by a schema name ({@code acme}) or by a JDBC
 * URL ({@code jdbc:postgresql://db-eu:5432/acme}); a URL's tenant is named after its
 * database.
 *
 * @param name the schema's name, or the database's
 * @param url the tenant database's JDBC URL, or {@code null} for a schema of the main
 * database
 */
public record Tenant(String name, @Nullable String url) {

	/** How a tenant that is a database of its own is written. */
	public static final String URL_PREFIX = "jdbc:postgresql:";

	private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

	/**
	 * Reads a tenant as a {@link TenantSource} lists it.
	 * @param entry a schema name, or a JDBC URL starting with {@value #URL_PREFIX}
	 * @return the tenant
	 * @throws MigrationException naming an entry Cairn cannot use
	 */
	public static Tenant of(@Nullable String entry) {
		String stripped = (entry != null) ? entry.strip() : "";
		if (stripped.startsWith(URL_PREFIX)) {
			String database = database(stripped);
			if (!NAME.matcher(database).matches()) {
				throw new MigrationException("Tenant '" + stripped + "' names the database '" + database
						+ "', which is not a name Cairn can use: use letters, digits, underscores and $ only, starting "
						+ "with a letter or underscore, at most 63 characters. Fix it in cairn.tenants.query or your "
						+ "TenantSource.");
			}
			return new Tenant(database, stripped);
		}
		if (!NAME.matcher(stripped).matches()) {
			throw new MigrationException("Tenant '" + entry + "' is not a schema name Cairn can use: use letters, "
					+ "digits, underscores and $ only, starting with a letter or underscore, at most 63 characters. "
					+ "Fix it in cairn.tenants.schemas, the rows of cairn.tenants.query, or your TenantSource.");
		}
		return new Tenant(stripped, null);
	}

	/**
	 * Tells whether the tenant is a database of its own.
	 * @return {@code true} for a tenant listed by its JDBC URL
	 */
	public boolean isDatabase() {
		return this.url != null;
	}

	/**
	 * Returns the same URL naming another database of the same server.
	 * @param url a JDBC URL
	 * @param database the other database
	 * @return the URL, with its parameters
	 */
	static String withDatabase(String url, String database) {
		int[] span = span(url);
		return url.substring(0, span[0]) + database + url.substring(span[1]);
	}

	private static String database(String url) {
		int[] span = span(url);
		return url.substring(span[0], span[1]);
	}

	/**
	 * Finds where the database's name lies in a URL: after the host part
	 * ({@code //host:port/}) when there is one, up to the parameters.
	 */
	private static int[] span(String url) {
		int start = URL_PREFIX.length();
		if (url.startsWith("//", start)) {
			int slash = url.indexOf('/', start + 2);
			start = (slash >= 0) ? slash + 1 : url.length();
		}
		int end = url.indexOf('?', start);
		return new int[] { start, (end >= 0) ? end : url.length() };
	}

}
