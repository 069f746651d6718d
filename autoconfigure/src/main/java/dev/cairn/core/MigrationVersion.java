package dev.cairn.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A migration version such as {@code 1}, {@code 001}, {@code 1.2} or
 * {@code 20240131120000}, compared part by part numerically, so {@code 001} and {@code 1}
 * are the same version.
 *
 * @param parts the numeric parts, without trailing zero parts
 */
public record MigrationVersion(List<BigInteger> parts) implements Comparable<MigrationVersion> {

	private static final Pattern FORM = Pattern.compile("\\d+(\\.\\d+)*");

	public MigrationVersion {
		if (parts.isEmpty()) {
			throw new IllegalArgumentException("A version needs at least one part");
		}
		List<BigInteger> trimmed = new ArrayList<>(parts);
		for (BigInteger part : trimmed) {
			if (part.signum() < 0) {
				throw new IllegalArgumentException("A version part cannot be negative: " + parts);
			}
		}
		while (trimmed.size() > 1 && trimmed.get(trimmed.size() - 1).signum() == 0) {
			trimmed.remove(trimmed.size() - 1);
		}
		parts = List.copyOf(trimmed);
	}

	/**
	 * Parses a version written as digits, optionally dotted.
	 * @param text the version text, for example {@code 001} or {@code 1.2}
	 * @return the version
	 * @throws MigrationException if the text is not digits optionally separated by dots
	 */
	public static MigrationVersion parse(String text) {
		if (!FORM.matcher(text).matches()) {
			throw new MigrationException(
					"'" + text + "' is not a version: use digits, optionally dotted (1, 001, 1.2).");
		}
		List<BigInteger> parts = new ArrayList<>();
		for (String part : text.split("\\.")) {
			parts.add(new BigInteger(part));
		}
		return new MigrationVersion(parts);
	}

	/**
	 * Tells whether the text is a version that {@link #parse(String)} accepts.
	 * @param text the text to check
	 * @return whether it is a version
	 */
	public static boolean isVersion(String text) {
		return FORM.matcher(text).matches();
	}

	@Override
	public int compareTo(MigrationVersion other) {
		int common = Math.min(this.parts.size(), other.parts.size());
		for (int i = 0; i < common; i++) {
			int order = this.parts.get(i).compareTo(other.parts.get(i));
			if (order != 0) {
				return order;
			}
		}
		return Integer.compare(this.parts.size(), other.parts.size());
	}

	/**
	 * Returns the canonical text stored in the history table: parts without leading
	 * zeros, joined by dots.
	 * @return the canonical text
	 */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		for (BigInteger part : this.parts) {
			if (!text.isEmpty()) {
				text.append('.');
			}
			text.append(part);
		}
		return text.toString();
	}

}
