package dev.cairn.core;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL-aware lint rule: what it finds, how bad it is, the harm and the safe
 * rewrite; {@code {}} in the harm stands for the table, column or statement a finding
 * names.
 */
public enum LintRule {

	/**
	 * {@code CREATE INDEX} without {@code CONCURRENTLY} on a table the migration did not
	 * create.
	 */
	CREATE_INDEX_NOT_CONCURRENT(Severity.ERROR,
			"CREATE INDEX without CONCURRENTLY on existing table {} blocks every write to it until the index is built.",
			"Write CREATE INDEX CONCURRENTLY in a file of its own that starts with \"-- cairn:no-transaction\"."),

	/** A foreign key added to an existing table without {@code NOT VALID}. */
	ADD_FOREIGN_KEY_VALIDATED(Severity.ERROR,
			"Adding a foreign key to existing table {} without NOT VALID checks every row while writes to it and to "
					+ "the referenced table are blocked.",
			"Add the constraint with NOT VALID (for a new column: add the column, then the constraint), and run "
					+ "ALTER TABLE ... VALIDATE CONSTRAINT in a later migration."),

	/**
	 * A {@code CHECK} constraint added to an existing table without {@code NOT VALID}.
	 */
	ADD_CHECK_VALIDATED(Severity.ERROR,
			"Adding a CHECK constraint to existing table {} without NOT VALID scans every row while reads and writes "
					+ "wait.",
			"Add it as a table constraint with NOT VALID, and run ALTER TABLE ... VALIDATE CONSTRAINT in a later "
					+ "migration."),

	/** {@code SET NOT NULL} on an existing table. */
	SET_NOT_NULL(Severity.ERROR, "SET NOT NULL on existing table {} scans every row while reads and writes wait.",
			"Add CHECK (column IS NOT NULL) NOT VALID, validate it in a later migration, then SET NOT NULL there "
					+ "(PostgreSQL 12 and later skip the scan) and drop the check."),

	/** {@code ADD UNIQUE} or {@code ADD PRIMARY KEY} that builds its index in place. */
	ADD_UNIQUE_CONSTRAINT(Severity.ERROR,
			"Adding a UNIQUE or PRIMARY KEY constraint to existing table {} builds its index while reads and writes "
					+ "wait.",
			"Build the index with CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX "
					+ "(or PRIMARY KEY USING INDEX)."),

	/** {@code ALTER COLUMN … TYPE} on an existing table. */
	COLUMN_TYPE_REWRITE(Severity.ERROR,
			"Changing the type of column {} rewrites the table and its indexes while reads and writes wait, unless "
					+ "the old type converts without a rewrite.",
			"Add a column of the new type, backfill it in batches and move readers to it; for a change that needs "
					+ "no rewrite (varchar(n) to text, a larger varchar limit) silence this with that reason."),

	/**
	 * {@code ADD COLUMN} whose default or type makes PostgreSQL rewrite an existing
	 * table.
	 */
	ADD_COLUMN_REWRITE(Severity.ERROR,
			"Adding column {} with a volatile default, a serial or identity type or a STORED generated value "
					+ "rewrites the whole table while reads and writes wait.",
			"Add the column without that default (a constant default is free), backfill it in batches, then set the "
					+ "default for new rows."),

	/** {@code RENAME}, {@code DROP COLUMN} or {@code DROP TABLE}. */
	BREAKING_RENAME_OR_DROP(Severity.WARNING,
			"{} breaks the instances of the previous release that still use it while this one rolls out.",
			"Stop using the old name in one release (expand and contract), then rename or drop it in a later one."),

	/**
	 * One transactional migration taking {@code ACCESS EXCLUSIVE} on two or more existing
	 * tables.
	 */
	MANY_EXCLUSIVE_LOCKS(Severity.WARNING,
			"This transaction locks {} in ACCESS EXCLUSIVE mode and holds each lock until it commits, so traffic on "
					+ "the first waits while it queues for the next, and deadlocks become possible.",
			"Change one existing table per migration."),

	/**
	 * A {@code -- cairn:no-transaction} file that mixes a concurrent statement with
	 * others.
	 */
	CONCURRENT_WITH_OTHERS(Severity.ERROR,
			"{} shares a \"-- cairn:no-transaction\" file with other statements, so a failure part way leaves the "
					+ "file half applied with no transaction to roll it back.",
			"Put each concurrent statement in a \"-- cairn:no-transaction\" file of its own."),

	/** {@code VACUUM FULL} or {@code CLUSTER}. */
	VACUUM_FULL_OR_CLUSTER(Severity.ERROR, "{} rewrites the table while reads and writes wait until it finishes.",
			"Run plain VACUUM, or rebuild the table online with an extension such as pg_repack, outside the deploy."),

	/** A column of type {@code json}. */
	JSON_COLUMN(Severity.WARNING,
			"Column {} is json, which keeps the text as written, is parsed again on every access and cannot be "
					+ "compared or indexed with GIN.",
			"Use jsonb."),

	/** A primary key of a 32-bit integer type. */
	INTEGER_PRIMARY_KEY(Severity.WARNING,
			"Primary key {} is a 32-bit integer, which runs out after 2147483647 values and takes a table rewrite "
					+ "to widen.",
			"Use bigint, for example bigint GENERATED ALWAYS AS IDENTITY."),

	/** A {@code -- cairn:lint-ignore} directive without a known rule or a reason. */
	LINT_IGNORE_INVALID(Severity.ERROR, "{}",
			"Write \"-- cairn:lint-ignore <rule> <reason>\" with a rule id and why the finding does not apply.");

	private final Severity severity;

	private final String harm;

	private final String fix;

	LintRule(Severity severity, String harm, String fix) {
		this.severity = severity;
		this.harm = harm;
		this.fix = fix;
	}

	/**
	 * Returns the id used in messages and in {@code -- cairn:lint-ignore}.
	 * @return the id, such as {@code create-index-not-concurrent}
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Returns how bad a finding of this rule is.
	 * @return the severity
	 */
	public Severity severity() {
		return this.severity;
	}

	/**
	 * Returns the sentence on the safe rewrite.
	 * @return what to write instead
	 */
	public String fix() {
		return this.fix;
	}

	String harm(String subject) {
		return this.harm.replace("{}", subject);
	}

	/**
	 * Finds a rule by its id.
	 * @param id the id, such as {@code set-not-null}
	 * @return the rule, or {@code null} when no rule has that id
	 */
	public static @Nullable LintRule byId(String id) {
		for (LintRule rule : values()) {
			if (rule.id().equals(id)) {
				return rule;
			}
		}
		return null;
	}

	/** How bad a finding is. */
	public enum Severity {

		/** Harms a running production database; fails the build by default. */
		ERROR,

		/** Worth a look; fails the build only with {@code fail-on=warning}. */
		WARNING

	}

}
