package dev.cairn.core;

/**
 * Where one migration stands once the files and the history table are merged.
 */
public enum MigrationState {

	/** Applied, and the file still has the checksum it was applied with. */
	APPLIED,

	/** Not applied yet; the next run applies it. */
	PENDING,

	/**
	 * A non-transactional migration that stopped part way; repair it before the next run.
	 */
	FAILED,

	/** Applied, but the file changed since. */
	MODIFIED,

	/** Applied, but its file is gone. */
	MISSING,

	/** Not applied, and its version is below the highest applied version. */
	OUT_OF_ORDER,

	/** The baseline marker. */
	BASELINE,

	/** A file at or below the baseline version; never run. */
	BELOW_BASELINE,

	/** Applied once, then undone by its down file; pending again. */
	ROLLED_BACK,

	/** Applied by a newer release: in the history but above every known file. */
	FUTURE

}
