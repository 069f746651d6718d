package dev.cairn.core;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One migration as the plan sees it: the file (if any) merged with its history row (if
 * any), and its state.
 *
 * @param version the canonical version, or {@code null} for a repeatable migration
 * @param description the description, underscores read as spaces
 * @param type how it was or will be applied
 * @param script the file name (or the Java class name)
 * @param state where it stands
 * @param checksum the checksum of the file, or of the history row when the file is gone
 * @param appliedChecksum the checksum recorded when it was applied, or {@code null} if it
 * never was
 * @param installedRank the history rank, or {@code null} if not applied
 * @param installedBy the database user that applied it, or {@code null}
 * @param installedOn when it was applied, or {@code null}
 * @param executionMs how long applying it took, or {@code null}
 * @param hasDown whether a down file exists for it
 */
public record MigrationInfo(@Nullable String version, String description, MigrationType type, String script,
		MigrationState state, @Nullable String checksum, @Nullable String appliedChecksum,
		@Nullable Integer installedRank, @Nullable String installedBy, @Nullable Instant installedOn,
		@Nullable Integer executionMs, boolean hasDown) {

}
