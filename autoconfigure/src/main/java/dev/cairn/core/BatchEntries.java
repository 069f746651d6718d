package dev.cairn.core;

import java.util.List;

/**
 * Reads which entry of a failed JDBC batch failed from pgjdbc's message. Inside a
 * transaction pgjdbc marks every entry failed and names the failed one only in its
 * message ("Batch entry 1,000 INSERT … was aborted"), with the number formatted for the
 * JVM's locale and the sentence translated; so an entry counts as named only when its own
 * text follows a number equal to its index.
 */
final class BatchEntries {

	private BatchEntries() {
	}

	/**
	 * Finds the batch entry pgjdbc's message names: the one whose text follows a number
	 * equal to its index, digits read whatever separators the locale put between them.
	 * @return the entry, or -1 when the message names none
	 */
	static int failedEntry(String message, List<String> batch) {
		int found = -1;
		for (int i = 0; i < batch.size(); i++) {
			String sql = batch.get(i);
			int at = message.indexOf(" " + sql + " ");
			while (at >= 0) {
				if (digitsBefore(message, at) == i) {
					if (found >= 0 && found != i) {
						return -1;
					}
					found = i;
				}
				at = message.indexOf(" " + sql + " ", at + 1);
			}
		}
		return found;
	}

	private static long digitsBefore(String message, int end) {
		int start = end;
		while (start > 0 && !Character.isLetter(message.charAt(start - 1))) {
			start--;
		}
		String digits = message.substring(start, end).replaceAll("\\D", "");
		return (digits.isEmpty() || digits.length() > 12) ? -1 : Long.parseLong(digits);
	}

}
