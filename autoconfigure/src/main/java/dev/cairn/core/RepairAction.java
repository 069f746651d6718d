package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * One thing {@link Migrator#repair()} did, also recorded in the history table.
 *
 * @param version the version of the repaired migration, or {@code null} for a repeatable
 * one
 * @param script the file name
 * @param action what was done, in a sentence
 */
public record RepairAction(@Nullable String version, String script, String action) {

}
