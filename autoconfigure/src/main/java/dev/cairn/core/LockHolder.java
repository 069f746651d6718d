package dev.cairn.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The session holding the migration lock, as {@code pg_locks} and {@code pg_stat_activity} show it.
 *
 * @param pid the backend process id
 * @param applicationName the session's {@code application_name}
 * @param clientAddress the client address, or {@code null} for a Unix-socket connection
 * @param since when the holder's session started its current state
 * @param query the last query the holder ran
 */
public record LockHolder(int pid, @Nullable String applicationName, @Nullable String clientAddress,
		@Nullable Instant since, @Nullable String query) {

	/**
	 * Describes the holder on one line for logs and error messages.
	 * @return the description
	 */
	public String describe() {
		return "pid " + this.pid + " (application_name '" + (this.applicationName != null ? this.applicationName : "")
				+ "', client " + (this.clientAddress != null ? this.clientAddress : "local socket") + ", since "
				+ this.since + ", last query: " + this.query + ")";
	}

}
