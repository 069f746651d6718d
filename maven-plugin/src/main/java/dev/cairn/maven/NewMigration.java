package dev.cairn.maven;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The names of the next migration and its down twin, in the style the folder already
 * uses: Cairn's {@code 007_name.sql} with the same zero-padding, a UTC timestamp when the
 * versions are timestamps, or Flyway's {@code V7__name.sql} with {@code U7__name.sql}.
 *
 * @param up the migration's file name
 * @param down the down file's name, or {@code null} for a repeatable migration
 */
record NewMigration(String up, @Nullable String down) {

	private static final Pattern CAIRN = Pattern.compile("(\\d+(?:\\.\\d+)*)_(.+?)(\\.up|\\.down)?\\.sql");

	private static final Pattern FLYWAY = Pattern.compile("([VU])(\\d+(?:[._]\\d+)*)__(.+)\\.sql");

	private static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql");

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
		.withZone(ZoneOffset.UTC);

	/**
	 * Names the next migration.
	 * @param existing the names of the {@code .sql} files already in the location,
	 * subfolders included
	 * @param name what the migration does, in words ("add discount to invoices")
	 * @param repeatable whether to name a repeatable migration
	 * @param now the time, for timestamped versions
	 * @throws IllegalArgumentException with a message saying what to do, when the name is
	 * empty or collides
	 */
	static NewMigration next(List<String> existing, String name, boolean repeatable, Instant now) {
		String description = description(name);
		for (String file : existing) {
			if (description.equalsIgnoreCase(descriptionOf(file))) {
				throw new IllegalArgumentException("A migration named \"" + description + "\" exists already: " + file
						+ ". Choose another -Dname, so that the history tells the two apart.");
			}
		}
		if (repeatable) {
			return new NewMigration("R__" + description + ".sql", null);
		}
		boolean flyway = false;
		String highest = null;
		for (String file : existing) {
			Matcher cairn = CAIRN.matcher(file);
			Matcher fly = FLYWAY.matcher(file);
			String version = cairn.matches() ? cairn.group(1) : fly.matches() ? fly.group(2).replace('_', '.') : null;
			flyway |= !cairn.matches() && fly.matches();
			if (version != null && (highest == null || compare(version, highest) > 0)) {
				highest = version;
			}
		}
		String version = nextVersion(highest, now);
		if (flyway) {
			return new NewMigration("V" + version + "__" + description + ".sql",
					"U" + version + "__" + description + ".sql");
		}
		return new NewMigration(version + "_" + description + ".sql", version + "_" + description + ".down.sql");
	}

	private static String nextVersion(@Nullable String highest, Instant now) {
		if (highest == null) {
			return "001";
		}
		String major = highest.split("\\.")[0];
		BigInteger next = new BigInteger(major).add(BigInteger.ONE);
		if (major.length() == 14 && major.startsWith("20")) {
			String stamp = TIMESTAMP.format(now);
			if (new BigInteger(stamp).compareTo(next) >= 0) {
				return stamp;
			}
			try {
				// A clock behind the newest file: one second after it, still a real time.
				return TIMESTAMP.format(LocalDateTime.parse(major, TIMESTAMP).plusSeconds(1).toInstant(ZoneOffset.UTC));
			}
			catch (DateTimeParseException ex) {
				return next.toString();
			}
		}
		String digits = next.toString();
		return "0".repeat(Math.max(0, major.length() - digits.length())) + digits;
	}

	private static int compare(String a, String b) {
		String[] left = a.split("\\.");
		String[] right = b.split("\\.");
		for (int i = 0; i < Math.max(left.length, right.length); i++) {
			BigInteger x = (i < left.length) ? new BigInteger(left[i]) : BigInteger.ZERO;
			BigInteger y = (i < right.length) ? new BigInteger(right[i]) : BigInteger.ZERO;
			if (x.compareTo(y) != 0) {
				return x.compareTo(y);
			}
		}
		return 0;
	}

	private static @Nullable String descriptionOf(String file) {
		Matcher repeatable = REPEATABLE.matcher(file);
		if (repeatable.matches()) {
			return repeatable.group(1);
		}
		Matcher cairn = CAIRN.matcher(file);
		if (cairn.matches()) {
			return (cairn.group(3) == null) ? cairn.group(2) : null;
		}
		Matcher fly = FLYWAY.matcher(file);
		return (fly.matches() && fly.group(1).equals("V")) ? fly.group(3) : null;
	}

	private static String description(String name) {
		String description = name.strip().replaceAll("[^\\p{L}\\p{N}]+", "_").replaceAll("^_+|_+$", "");
		if (description.isEmpty()) {
			throw new IllegalArgumentException("-Dname=\"" + name + "\" has no letters or digits. Say what the "
					+ "migration does, for example -Dname=\"add discount to invoices\".");
		}
		return description;
	}

}
