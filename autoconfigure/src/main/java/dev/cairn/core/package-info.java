/**
 * The migration engine: what exists, what ran, the plan, and the run; plain Java on
 * Spring JDBC.
 */
@NullMarked
package dev.cairn.core;

import org.jspecify.annotations.NullMarked;
