package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;

/**
 * A short unified diff of two texts, line by line, for messages about an edited
 * migration.
 * <p>
 * The common prefix and suffix are set aside first, so that the usual edit (a few lines
 * changed in a long file) costs little; the rest is aligned by a longest common
 * subsequence, and at most {@link #MAX_LINES} diff lines are shown.
 */
final class TextDiff {

	static final int MAX_LINES = 40;

	private static final int CONTEXT = 2;

	private static final int MAX_CELLS = 4_000_000;

	private TextDiff() {
	}

	/**
	 * Shows how {@code after} differs from {@code before}.
	 * @param before the old text
	 * @param after the new text
	 * @param beforeName what the old text is called in the header
	 * @param afterName what the new text is called in the header
	 * @return the diff, each line ending in a newline
	 */
	static String unified(String before, String after, String beforeName, String afterName) {
		String[] a = lines(before);
		String[] b = lines(after);
		int prefix = 0;
		while (prefix < a.length && prefix < b.length && a[prefix].equals(b[prefix])) {
			prefix++;
		}
		int suffix = 0;
		while (suffix < a.length - prefix && suffix < b.length - prefix
				&& a[a.length - 1 - suffix].equals(b[b.length - 1 - suffix])) {
			suffix++;
		}
		List<String> edits = align(a, b, prefix, a.length - suffix, prefix, b.length - suffix);
		StringBuilder text = new StringBuilder("--- ").append(beforeName)
			.append("\n+++ ")
			.append(afterName)
			.append('\n');
		int from = Math.max(0, prefix - CONTEXT);
		int trailing = Math.min(suffix, CONTEXT);
		int removed = (int) edits.stream().filter((line) -> !line.startsWith("+")).count();
		int added = (int) edits.stream().filter((line) -> !line.startsWith("-")).count();
		text.append("@@ -")
			.append(from + 1)
			.append(',')
			.append(prefix - from + removed + trailing)
			.append(" +")
			.append(from + 1)
			.append(',')
			.append(prefix - from + added + trailing)
			.append(" @@\n");
		List<String> lines = new ArrayList<>();
		for (int i = from; i < prefix; i++) {
			lines.add(" " + a[i]);
		}
		lines.addAll(edits);
		for (int i = a.length - suffix; i < Math.min(a.length, a.length - suffix + CONTEXT); i++) {
			lines.add(" " + a[i]);
		}
		for (int i = 0; i < lines.size() && i < MAX_LINES; i++) {
			text.append(lines.get(i)).append('\n');
		}
		if (lines.size() > MAX_LINES) {
			text.append("... (").append(lines.size() - MAX_LINES).append(" more diff lines)\n");
		}
		return text.toString();
	}

	/**
	 * Splits a text into lines; a final newline ends the last line rather than starting
	 * an empty one.
	 */
	private static String[] lines(String text) {
		String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
		return body.isEmpty() ? new String[0] : body.split("\n", -1);
	}

	private static List<String> align(String[] a, String[] b, int aFrom, int aTo, int bFrom, int bTo) {
		int n = aTo - aFrom;
		int m = bTo - bFrom;
		List<String> edits = new ArrayList<>();
		if ((long) (n + 1) * (m + 1) > MAX_CELLS) {
			for (int i = aFrom; i < aTo; i++) {
				edits.add("-" + a[i]);
			}
			for (int j = bFrom; j < bTo; j++) {
				edits.add("+" + b[j]);
			}
			return edits;
		}
		int[][] common = new int[n + 1][m + 1];
		for (int i = n - 1; i >= 0; i--) {
			for (int j = m - 1; j >= 0; j--) {
				common[i][j] = a[aFrom + i].equals(b[bFrom + j]) ? common[i + 1][j + 1] + 1
						: Math.max(common[i + 1][j], common[i][j + 1]);
			}
		}
		int i = 0;
		int j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && a[aFrom + i].equals(b[bFrom + j])) {
				edits.add(" " + a[aFrom + i]);
				i++;
				j++;
			}
			else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
				edits.add("-" + a[aFrom + i]);
				i++;
			}
			else {
				edits.add("+" + b[bFrom + j]);
				j++;
			}
		}
		return edits;
	}

}
