package dev.cairn.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One row of the history table.
 *
 * @param installedRank 1, 2, 3 … in the order applied
 * @param version the canonical version, or {@code null} for a repeatable migration
 * @param description the description
 * @param type how it was applied
 * @param script the file name
 * @param checksum the checksum of the text that ran, or {@code null}
 * @param installedBy the database user that applied it
 * @param installedOn when it was applied
 * @param executionMs how long it took
 * @param success {@code false} only for a failed non-transactional migration
 * @param statementsDone for a failed non-transactional migration, how many statements
 * succeeded
 */
public record AppliedMigration(int installedRank, @Nullable String version, String description, MigrationType type,
		String script, @Nullable String checksum, String installedBy, Instant installedOn, int executionMs,
		boolean success, @Nullable Integer statementsDone) {

}
