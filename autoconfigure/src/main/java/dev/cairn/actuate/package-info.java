/** The {@code migrations} Actuator endpoint and the {@code cairn} health indicator. */
@NullMarked
package dev.cairn.actuate;

import org.jspecify.annotations.NullMarked;
