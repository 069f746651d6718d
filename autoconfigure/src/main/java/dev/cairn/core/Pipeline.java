package dev.cairn.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Consecutive transactional migrations sent to the server in one round trip, each still
 * in a transaction of its own with its settings, its session reset and its history row:
 * {@code BEGIN; SET LOCAL …; <the file's statements>; <reset>; INSERT INTO history …;
 * COMMIT;} one migration after another, as one JDBC batch.
 * <p>
 * PostgreSQL stops at the first statement that fails and skips the rest of the batch, so
 * the migrations before it are committed, nothing of the failing one is, and nothing
 * after it runs. The history row's insert fails when the migration lock is no longer held
 * ({@link HistoryTable#insertInTransaction}), so a run that lost its lock commits nothing
 * more. Which migrations committed is then read back from the history table, and the
 * failed statement is the batch entry pgjdbc's message names. A file that needs to see a
 * statement's result breaks the group where it stands: a statement that returns rows,
 * {@code COPY} data, a non-transactional file, a Java migration, another
 * {@code lock_timeout} than the group's; so do callbacks, which run between migrations.
 */
final class Pipeline {

	/**
	 * At most this many migrations go in one group.
	 */
	static final int MAX_MIGRATIONS = 50;

	/**
	 * A group ends once its SQL reaches this many characters, so that one round trip
	 * carries no more than a few hundred kilobytes.
	 */
	static final int MAX_CHARS = 256 * 1024;

	private final List<String> batch = new ArrayList<>();

	private final List<Integer> owners = new ArrayList<>();

	private final List<Integer> statements = new ArrayList<>();

	private Pipeline() {
	}

	/**
	 * Returns where the group that starts at a migration ends.
	 * @param migrations the migrations to apply, in order
	 * @param scripts their parsed files ({@code null} for a Java migration)
	 * @param from the first migration of the group
	 * @return the index after the group's last migration; {@code from} when the first
	 * migration cannot be sent in a group
	 */
	static int groupEnd(List<ResolvedMigration> migrations, List<@Nullable SqlScript> scripts, int from) {
		int end = from;
		int chars = 0;
		while (end < migrations.size() && end - from < MAX_MIGRATIONS && (end == from || chars < MAX_CHARS)) {
			SqlScript script = scripts.get(end);
			if (migrations.get(end).java() != null || script == null || !fits(script)
					|| !Objects.equals(script.lockTimeout(), Objects.requireNonNull(scripts.get(from)).lockTimeout())) {
				break;
			}
			chars += script.text().length();
			end++;
		}
		return end;
	}

	private static boolean fits(SqlScript script) {
		if (!script.transactional()) {
			return false;
		}
		for (SqlStatement statement : script.statements()) {
			if (!SqlKeywords.returnsNoRows(statement)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Starts the batch of a group.
	 * @return an empty batch
	 */
	static Pipeline start() {
		return new Pipeline();
	}

	/**
	 * Adds a migration's transaction to the batch.
	 * @param migration its index in the group
	 * @param settings its {@code SET LOCAL} settings
	 * @param script its file
	 * @param reset the session reset
	 * @param insert its history row's insert
	 */
	void add(int migration, List<String> settings, SqlScript script, List<String> reset, String insert) {
		add(migration, -1, "BEGIN");
		settings.forEach((sql) -> add(migration, -1, sql));
		List<SqlStatement> fileStatements = script.statements();
		for (int i = 0; i < fileStatements.size(); i++) {
			add(migration, i, fileStatements.get(i).sql());
		}
		reset.forEach((sql) -> add(migration, -1, sql));
		add(migration, -1, insert);
		add(migration, -1, "COMMIT");
	}

	private void add(int migration, int statement, String sql) {
		this.batch.add(sql);
		this.owners.add(migration);
		this.statements.add(statement);
	}

	List<String> batch() {
		return this.batch;
	}

	/**
	 * Returns the migration a batch entry belongs to.
	 * @param entry the entry, or -1
	 * @return its migration's index in the group, or -1 when the entry is unknown
	 */
	int owner(int entry) {
		return (entry >= 0 && entry < this.owners.size()) ? this.owners.get(entry) : -1;
	}

	/**
	 * Returns the statement of its file that a batch entry is.
	 * @param entry the entry
	 * @return the statement's index in its file, or -1 for the settings, the reset, the
	 * history row and the transaction's start and end
	 */
	int statement(int entry) {
		return (entry >= 0 && entry < this.statements.size()) ? this.statements.get(entry) : -1;
	}

}
