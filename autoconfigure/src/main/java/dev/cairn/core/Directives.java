package dev.cairn.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code -- cairn:} directives of one file: {@code no-transaction},
 * {@code lock-timeout=<duration>} and {@code statement-timeout=<duration>}, written in
 * comment lines before any SQL, in any letter case.
 * <p>
 * This is the one reader of directives: {@link #noTransaction(String)} looks at the
 * comment lines at the top of a file cheaply, to show a pending file's type without
 * lexing it, and {@link #read} checks every directive comment the lexer found, refusing
 * unknown, repeated, misplaced and malformed ones.
 */
final class Directives {

	private static final String PREFIX = "cairn:";

	private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(ms|s|min|h|d)?");

	private static final Map<String, Long> UNITS = Map.of("ms", 1L, "s", 1_000L, "min", 60_000L, "h", 3_600_000L, "d",
			86_400_000L);

	private final String name;

	private final String text;

	private final Map<String, Integer> lines = new HashMap<>();

	private final Map<String, Duration> timeouts = new HashMap<>();

	private boolean noTransaction;

	private Directives(String name, String text) {
		this.name = name;
		this.text = text;
	}

	/**
	 * Reads the directives of a file.
	 * @param name the file name, for messages
	 * @param text the file text
	 * @param commentOffsets the offsets of the {@code --} comments that the lexer found
	 * to be directives ({@link #isDirective(String, int)}), in file order
	 * @param sqlStart the offset where the file's first statement starts
	 * @return the directives
	 * @throws MigrationException naming the line of a bad directive and what to write
	 * instead
	 */
	static Directives read(String name, String text, List<Integer> commentOffsets, int sqlStart) {
		Directives directives = new Directives(name, text);
		for (int offset : commentOffsets) {
			directives.readAt(offset, offset < sqlStart);
		}
		return directives;
	}

	/**
	 * Tells whether the {@code --} comment at an offset is a directive: {@code cairn:}
	 * after the dashes and optional blanks.
	 * @param text the file text
	 * @param offset the offset of the comment's {@code --}
	 * @return whether it is a directive
	 */
	static boolean isDirective(String text, int offset) {
		return prefixAt(text, offset) >= 0;
	}

	/**
	 * Tells, without lexing, whether the comment lines at the top of a file carry
	 * {@code -- cairn:no-transaction}.
	 * @param text the file text
	 * @return whether the file runs outside a transaction
	 */
	static boolean noTransaction(String text) {
		int start = 0;
		while (start < text.length()) {
			int end = text.indexOf('\n', start);
			String line = text.substring(start, (end < 0) ? text.length() : end).strip();
			if (!line.isEmpty() && !line.startsWith("--")) {
				return false;
			}
			if (line.replace(" ", "").replace("\t", "").equalsIgnoreCase("--" + PREFIX + "no-transaction")) {
				return true;
			}
			if (end < 0) {
				return false;
			}
			start = end + 1;
		}
		return false;
	}

	boolean noTransaction() {
		return this.noTransaction;
	}

	@Nullable Duration lockTimeout() {
		return this.timeouts.get("lock-timeout");
	}

	@Nullable Duration statementTimeout() {
		return this.timeouts.get("statement-timeout");
	}

	private static int prefixAt(String text, int offset) {
		int i = offset + 2;
		while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
			i++;
		}
		return text.regionMatches(true, i, PREFIX, 0, PREFIX.length()) ? i : -1;
	}

	private void readAt(int offset, boolean beforeSql) {
		int from = prefixAt(this.text, offset);
		int to = from;
		while (to < this.text.length() && this.text.charAt(to) != '\n' && this.text.charAt(to) != '\r') {
			to++;
		}
		String directive = this.text.substring(from, to).strip();
		int[] position = SqlLexer.lineAndColumn(this.text, offset);
		int equals = directive.indexOf('=');
		String written = ((equals < 0) ? directive : directive.substring(0, equals)).strip();
		String key = written.toLowerCase(Locale.ROOT);
		String shown = "\"-- " + written + "\"";
		if (key.equals(PREFIX + "lint-ignore") || key.startsWith(PREFIX + "lint-ignore ")
				|| key.startsWith(PREFIX + "lint-ignore\t")) {
			// Read by the linter; it silences one statement when it stands above it, so
			// it may come anywhere.
			return;
		}
		if (!beforeSql) {
			throw fail(position, "directive " + shown + " comes after SQL has started. Directives must come "
					+ "before any SQL: move it to the top of the file.");
		}
		Integer firstLine = this.lines.putIfAbsent(key, position[0]);
		if (firstLine != null) {
			throw fail(position,
					"directive " + shown + " is given twice (first on line " + firstLine + "). Keep one of them.");
		}
		switch (key.substring(PREFIX.length())) {
			case "no-transaction" -> {
				if (equals >= 0) {
					throw fail(position, "directive " + shown + " takes no value. Write it as " + shown + ".");
				}
				this.noTransaction = true;
			}
			case "lock-timeout", "statement-timeout" -> this.timeouts.put(key.substring(PREFIX.length()),
					duration(position, written, (equals < 0) ? "" : directive.substring(equals + 1).strip()));
			default -> throw fail(position,
					"unknown directive " + shown + ". Cairn knows "
							+ "\"-- cairn:no-transaction\", \"-- cairn:lock-timeout=<duration>\" and "
							+ "\"-- cairn:statement-timeout=<duration>\"; fix the spelling or remove the line.");
		}
	}

	private Duration duration(int[] position, String key, String value) {
		String shown = "\"-- " + key + "=" + value + "\"";
		Matcher matcher = DURATION.matcher(value);
		if (!matcher.matches()) {
			throw fail(position,
					"invalid duration \"" + value + "\" in " + shown + ". Write a whole number with "
							+ "an optional unit ms, s, min, h or d (no unit means milliseconds), for example \"-- "
							+ key + "=30s\".");
		}
		long millis = Long.parseLong(matcher.group(1));
		long unit = UNITS.get((matcher.group(2) != null) ? matcher.group(2) : "ms");
		// PostgreSQL keeps these settings as an int of milliseconds and refuses anything
		// larger.
		if (millis > Integer.MAX_VALUE / unit) {
			throw fail(position, "duration \"" + value + "\" in " + shown + " is longer than PostgreSQL "
					+ "accepts. Use at most 2147483647ms (about 24 days); 0 turns the timeout off.");
		}
		return Duration.ofMillis(millis * unit);
	}

	private MigrationException fail(int[] position, String message) {
		return MigrationException.inFile(this.name, position[0], position[1],
				"Migration " + this.name + ", line " + position[0] + ", column " + position[1] + ": " + message);
	}

}
