/**
 * Fresh migrated PostgreSQL databases for tests, cloned from a template database that is
 * migrated once: the {@link dev.cairn.test.CairnDatabase} JUnit extension and
 * {@link dev.cairn.test.AutoConfigureCairnDatabase} for Spring tests.
 */
@NullMarked
package dev.cairn.test;

import org.jspecify.annotations.NullMarked;
