package dev.cairn.core;

import org.jspecify.annotations.Nullable;

/**
 * One top-level statement of a SQL file, as {@link SqlLexer} found it.
 *
 * @param sql the statement text exactly as it stands in the file, from its first token
 * through its last token (so without the terminating semicolon, and without whitespace or
 * comments just before it)
 * @param offset the offset of the statement's first character in the whole file text
 * @param line the 1-based line of that character
 * @param column the 1-based column of that character
 * @param copyData for {@code COPY … FROM stdin}: the inline data lines (each ending in a
 * newline) that follow the statement up to the {@code \.} line, as a view of the file's
 * text rather than a copy of it (a dump's data can be most of a large file); otherwise
 * {@code null}
 */
record SqlStatement(String sql, int offset, int line, int column, @Nullable CharSequence copyData) {

}
