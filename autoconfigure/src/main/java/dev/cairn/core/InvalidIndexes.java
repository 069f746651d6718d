package dev.cairn.core;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Clears the invalid index a failed concurrent build left behind, just before the
 * statement that builds it runs again.
 * <p>
 * A {@code CREATE INDEX CONCURRENTLY} that fails (duplicate keys for a unique index,
 * {@code lock_timeout} while it waits for older transactions, a cancel) leaves its index
 * in the catalog marked invalid. Running the statement again then fails on "already
 * exists", or, with {@code IF NOT EXISTS}, succeeds while leaving the useless invalid
 * index in place. So before such a statement runs, whether on a retry after
 * {@code lock_timeout}, on a later run or on a resume, an invalid index of the same name
 * on the same table is reported and dropped with {@code DROP INDEX CONCURRENTLY}. A valid
 * index is never touched, and an invalid one on another table is left for the statement
 * to fail on.
 */
final class InvalidIndexes {

	private static final Log logger = LogFactory.getLog(InvalidIndexes.class);

	private static final String NAME = "(\"(?:[^\"]|\"\")+\"|[\\p{L}_][\\p{L}\\p{N}_$]*)";

	private static final Pattern CREATE_INDEX_CONCURRENTLY = Pattern
		.compile("(?is)CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+" + "CONCURRENTLY\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME
				+ "\\s+ON\\s+(?:ONLY\\s+)?(" + NAME + "(?:\\s*\\.\\s*" + NAME + ")?)[\\s(].*");

	private static final String FIND_INVALID = """
			SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
			FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relname = ? AND i.indrelid = to_regclass(?) AND NOT i.indisvalid""";

	private InvalidIndexes() {
	}

	/**
	 * Drops the invalid index that the given statement is about to build, if one is
	 * there.
	 * @param connection the working connection, in autocommit
	 * @param sql the statement about to run
	 * @return the index dropped, or {@code null} when the statement builds no index or
	 * its index is not invalid
	 */
	static @Nullable String dropBeforeRebuild(Connection connection, String sql) throws SQLException {
		Matcher matcher = CREATE_INDEX_CONCURRENTLY.matcher(sql);
		if (!matcher.matches()) {
			return null;
		}
		String index = unquote(matcher.group(1));
		String table = matcher.group(2);
		String invalid;
		try (PreparedStatement statement = connection.prepareStatement(FIND_INVALID)) {
			statement.setString(1, index);
			statement.setString(2, table);
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					return null;
				}
				invalid = result.getString(1);
			}
		}
		logger.warn("Index " + invalid + " on " + table + " is invalid: an earlier CREATE INDEX CONCURRENTLY of it "
				+ "failed. Dropping it (DROP INDEX CONCURRENTLY) so that it is built again.");
		try (Statement statement = connection.createStatement()) {
			statement.execute("DROP INDEX CONCURRENTLY IF EXISTS " + invalid);
		}
		return invalid;
	}

	private static String unquote(String name) {
		if (name.startsWith("\"")) {
			return name.substring(1, name.length() - 1).replace("\"\"", "\"");
		}
		return name.toLowerCase(Locale.ROOT);
	}

}
