package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

/**
 * How Flyway runs one of its files, so that Cairn runs it the same way: the settings of
 * the {@code .sql.conf} beside it, whether it runs outside a transaction, and Flyway's
 * checksum of it.
 *
 * @param executeInTransaction {@code false} when the file runs outside a transaction (its
 * {@code .sql.conf} says {@code executeInTransaction=false}, or every statement in it
 * must run outside one, which Flyway detects by itself); {@code true} when its
 * {@code .sql.conf} says so; {@code null} when Cairn's own rule decides
 * @param placeholderReplacement whether {@code ${name}} placeholders are replaced in the
 * file
 */
record FlywayFile(@Nullable Boolean executeInTransaction, boolean placeholderReplacement) {

	/**
	 * A Flyway file without a {@code .sql.conf} whose statements may run in a
	 * transaction.
	 */
	static final FlywayFile DEFAULT = new FlywayFile(null, true);

	/**
	 * Reads what Flyway would make of a file.
	 * @param name the file name, for messages
	 * @param conf the bytes of the {@code .sql.conf} beside it, or {@code null} when
	 * there is none
	 * @param text the file's text
	 * @return how the file runs
	 * @throws MigrationException naming the {@code .sql.conf} and the line Cairn cannot
	 * honour
	 */
	static FlywayFile read(String name, byte @Nullable [] conf, String text) {
		Boolean transaction = null;
		boolean placeholders = true;
		if (conf != null) {
			String confName = name + ".conf";
			String[] lines = MigrationText.decode(conf, confName).split("\r\n|\r|\n");
			for (int i = 0; i < lines.length; i++) {
				String line = lines[i].strip();
				if (line.isEmpty() || line.startsWith("#")) {
					continue;
				}
				int equals = line.indexOf('=');
				String key = (equals < 0) ? line : line.substring(0, equals).strip();
				String value = (equals < 0) ? "" : line.substring(equals + 1).strip();
				switch (key) {
					case "executeInTransaction" -> transaction = bool(confName, i + 1, key, value);
					case "placeholderReplacement" -> placeholders = bool(confName, i + 1, key, value);
					case "encoding" -> {
						String charset = value.toUpperCase(Locale.ROOT).replace("-", "");
						if (!charset.equals("UTF8")) {
							throw confError(confName, i + 1, "sets encoding=" + value + ", but Cairn reads every "
									+ "migration as UTF-8. Convert " + name + " to UTF-8 and remove the line.");
						}
					}
					default -> throw confError(confName, i + 1,
							"sets '" + key + "', which Cairn does not know. "
									+ "Cairn honours executeInTransaction, placeholderReplacement and encoding=UTF-8; "
									+ "remove the line.");
				}
			}
		}
		if (transaction == null && allOutsideTransaction(text)) {
			transaction = false;
		}
		return new FlywayFile(transaction, placeholders);
	}

	private static boolean bool(String confName, int line, String key, String value) {
		if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
			return Boolean.parseBoolean(value);
		}
		throw confError(confName, line, "sets " + key + "=" + value + ". Use " + key + "=true or " + key + "=false.");
	}

	private static MigrationException confError(String confName, int line, String message) {
		return MigrationException.inFile(confName, line, 0,
				"Script configuration " + confName + ", line " + line + ", " + message);
	}

	/**
	 * Tells whether every statement of a file must run outside a transaction
	 * ({@code CREATE INDEX CONCURRENTLY}, {@code VACUUM}, ...): Flyway then runs the file
	 * outside one without being told. A file that does not lex is left to the parse that
	 * runs it, which names the problem.
	 */
	private static boolean allOutsideTransaction(String text) {
		try {
			var statements = SqlLexer.split(text);
			return !statements.isEmpty()
					&& statements.stream().allMatch((s) -> SqlKeywords.outsideTransactionOnly(s.sql()) != null);
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Computes Flyway's checksum of a file: the CRC-32 of its lines' UTF-8 bytes, each
	 * line without its ending ({@code \n}, {@code \r\n} or {@code \r}) and the first
	 * without a BOM, read as a signed 32-bit number. Line endings therefore do not count,
	 * and whitespace at the end of a line does.
	 * @param text the file's text, BOM stripped
	 * @return the checksum as {@code flyway_schema_history.checksum} holds it
	 */
	static int checksum(String text) {
		CRC32 crc = new CRC32();
		int start = (!text.isEmpty() && text.charAt(0) == '\uFEFF') ? 1 : 0;
		int length = text.length();
		for (int i = start; i <= length; i++) {
			if (i == length || text.charAt(i) == '\n' || text.charAt(i) == '\r') {
				if (i > start) {
					crc.update(text.substring(start, i).getBytes(StandardCharsets.UTF_8));
				}
				start = i + 1;
			}
		}
		return (int) crc.getValue();
	}

}
