/** Spring Boot auto-configuration that runs Cairn migrations on startup. */
@NullMarked
package dev.cairn.autoconfigure;

import org.jspecify.annotations.NullMarked;
