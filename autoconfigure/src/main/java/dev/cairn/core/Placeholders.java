package dev.cairn.core;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Flyway's {@code ${name}} placeholders, replaced in Flyway files before they are parsed:
 * the values of {@code cairn.placeholders.*} and Flyway's built-ins
 * {@code ${flyway:defaultSchema}}, {@code ${flyway:user}}, {@code ${flyway:database}},
 * {@code ${flyway:table}}, {@code ${flyway:filename}} and {@code ${flyway:timestamp}}.
 * Names are read in any letter case, as Flyway reads them.
 */
final class Placeholders {

	private static final String BUILT_INS = "${flyway:defaultSchema}, ${flyway:user}, ${flyway:database}, "
			+ "${flyway:table}, ${flyway:filename}, ${flyway:timestamp} and ${flyway:workingDirectory}";

	private final Map<String, String> values;

	private Placeholders(Map<String, String> values) {
		this.values = values;
	}

	/**
	 * Collects the values for one run: the configured ones and the built-ins, which come
	 * from the connection.
	 * @param connection the working connection
	 * @param settings the settings, with the configured placeholders
	 * @param table the history table's name, unqualified
	 * @return the placeholders
	 */
	static Placeholders of(Connection connection, MigratorSettings settings, String table) throws SQLException {
		Map<String, String> values = new HashMap<>();
		settings.placeholders().forEach((name, value) -> values.put(name.toLowerCase(Locale.ROOT), value));
		try (Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("SELECT current_user, current_database(), current_schema()")) {
			result.next();
			values.put("flyway:user", result.getString(1));
			values.put("flyway:database", result.getString(2));
			String schema = (settings.schema() != null) ? settings.schema() : result.getString(3);
			if (schema != null) {
				values.put("flyway:defaultschema", schema);
			}
		}
		values.put("flyway:table", table);
		values.put("flyway:timestamp", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
		values.put("flyway:workingdirectory", System.getProperty("user.dir"));
		return new Placeholders(values);
	}

	/**
	 * Replaces every placeholder in a file's text, comments and quoted text included, as
	 * Flyway does.
	 * @param script the file name, the value of {@code ${flyway:filename}} and for
	 * messages
	 * @param text the file's text
	 * @return the text with every placeholder replaced
	 * @throws MigrationException naming the file, the line and the property to set for a
	 * placeholder without a value
	 */
	String replace(String script, String text) {
		int start = text.indexOf("${");
		if (start < 0) {
			return text;
		}
		StringBuilder replaced = new StringBuilder(text.length());
		int copied = 0;
		while (start >= 0) {
			int end = text.indexOf('}', start + 2);
			if (end < 0) {
				throw fail(script, text, start, "\"${\" has no closing \"}\". Close the placeholder, or add "
						+ "placeholderReplacement=false to " + script + ".conf to keep the text as it is.");
			}
			String name = text.substring(start + 2, end);
			String key = name.toLowerCase(Locale.ROOT);
			String value = key.equals("flyway:filename") ? script : this.values.get(key);
			if (value == null) {
				throw fail(script, text, start, key.startsWith("flyway:")
						? "placeholder ${" + name + "} is not one of Flyway's built-ins that Cairn provides ("
								+ BUILT_INS
								+ "). Replace it with a placeholder of your own and set that in cairn.placeholders."
						: "placeholder ${" + name + "} has no value. Set cairn.placeholders." + name + " (Cairn also "
								+ "reads spring.flyway.placeholders." + name + "), or add placeholderReplacement=false "
								+ "to " + script + ".conf to keep the text as it is.");
			}
			replaced.append(text, copied, start).append(value);
			copied = end + 1;
			start = text.indexOf("${", copied);
		}
		return replaced.append(text, copied, text.length()).toString();
	}

	private static MigrationException fail(String script, String text, int offset, String message) {
		int[] position = SqlLexer.lineAndColumn(text, offset);
		return MigrationException.inFile(script, position[0], position[1],
				"Migration " + script + ", line " + position[0] + ", column " + position[1] + ": " + message);
	}

}
