package dev.cairn.autoconfigure;

import dev.cairn.core.MigrationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link MigrationException} into Spring Boot's Description and Action: Cairn's
 * messages end with the sentence that says what to do, which becomes the action; the rest
 * (file, line, column, the line with a caret, SQLSTATE) is the description.
 */
class MigrationFailureAnalyzer extends AbstractFailureAnalyzer<MigrationException> {

	private static final String DEFAULT_ACTION = "Fix the migration or the database as described above, then restart.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MigrationException cause) {
		String message = (cause.getMessage() != null) ? cause.getMessage().strip() : "";
		int actionStart = lastSentenceStart(message);
		String description = (actionStart > 0) ? message.substring(0, actionStart).stripTrailing() : message;
		String action = (actionStart > 0) ? message.substring(actionStart) : DEFAULT_ACTION;
		return new FailureAnalysis(description + location(cause), action, cause);
	}

	private static String location(MigrationException failure) {
		String message = String.valueOf(failure.getMessage());
		if (failure.getScript() == null || message.contains(failure.getScript())) {
			return "";
		}
		StringBuilder location = new StringBuilder(System.lineSeparator()).append(System.lineSeparator())
			.append("Script: ")
			.append(failure.getScript());
		if (failure.getLine() > 0) {
			location.append(':').append(failure.getLine());
			if (failure.getColumn() > 0) {
				location.append(':').append(failure.getColumn());
			}
		}
		if (failure.getSqlState() != null) {
			location.append(" (SQLSTATE ").append(failure.getSqlState()).append(')');
		}
		return location.toString();
	}

	/**
	 * Returns where the last sentence of the message's last line starts, or -1 when the
	 * whole message is one sentence.
	 */
	private static int lastSentenceStart(String message) {
		int lineStart = message.lastIndexOf('\n') + 1;
		String lastLine = message.substring(lineStart);
		int boundary = lastLine.substring(0, Math.max(0, lastLine.length() - 1)).lastIndexOf(". ");
		if (boundary >= 0) {
			return lineStart + boundary + 2;
		}
		return (lineStart > 0) ? lineStart : -1;
	}

}
