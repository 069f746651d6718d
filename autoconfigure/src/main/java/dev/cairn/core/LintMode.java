package dev.cairn.core;

/**
 * What a run does with lint findings in the migrations it is about to apply.
 */
public enum LintMode {

	/** Logs each finding, then applies the migrations. */
	WARN,

	/**
	 * Refuses to apply anything when a pending migration has an error finding; warnings
	 * are logged.
	 */
	FAIL,

	/** Does not lint. */
	OFF

}
