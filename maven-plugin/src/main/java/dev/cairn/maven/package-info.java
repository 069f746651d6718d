/** The Cairn Maven plugin: create, check and lint migration files without a database. */
@NullMarked
package dev.cairn.maven;

import org.jspecify.annotations.NullMarked;
