package dev.cairn.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The session holding the migration lock, as {@code pg_locks} and
 * {@code pg_stat_activity} show it.
 *
 * @param pid the backend process id
 * @param applicationName the session's {@code application_name}
 * @param clientAddress the client address, or {@code null} for a Unix-socket connection
 * @param since when the holder's session started its current state
 * @param query the last query the holder ran; for a Cairn holder, the last query of its
 * working session, which is the one migrating (its lock session only ever runs Cairn's
 * own look-ups)
 * @param workingPid for a Cairn holder, the pid of its working session, or {@code null}
 */
public record LockHolder(int pid, @Nullable String applicationName, @Nullable String clientAddress,
		@Nullable Instant since, @Nullable String query, @Nullable Integer workingPid) {

	/**
	 * Describes the holder on one line for logs and error messages.
	 * @return the description
	 */
	public String describe() {
		String working = (this.workingPid != null) ? ", migrating on pid " + this.workingPid : "";
		return "pid " + this.pid + " (application_name '" + (this.applicationName != null ? this.applicationName : "")
				+ "', client " + (this.clientAddress != null ? this.clientAddress : "local socket") + ", since "
				+ this.since + working + ", last query: " + oneLine(this.query) + ")";
	}

	private static @Nullable String oneLine(@Nullable String query) {
		if (query == null) {
			return null;
		}
		String line = query.strip().replaceAll("\\s+", " ");
		return (line.length() > 200) ? line.substring(0, 200) + "..." : line;
	}

}
