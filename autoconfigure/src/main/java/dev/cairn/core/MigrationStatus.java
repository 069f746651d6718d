package dev.cairn.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where the schema stands: every migration with its state, the current version, what a
 * run would apply and why it would refuse to. Computed once, by merging the files with
 * the history; everything that reports on migrations reads it.
 *
 * @param migrations every migration with its state: versioned ones in version order, then
 * repeatable ones by name
 * @param pending what a run applies, in order, with the target and
 * {@code cairn.out-of-order} taken into account
 * @param problems why the history and the files disagree, one per migration in trouble,
 * each message ending with what to do; a run refuses to start while there is any
 * @param current the highest applied version, or {@code null} when nothing is applied
 */
public record MigrationStatus(List<MigrationInfo> migrations, List<MigrationInfo> pending, List<Problem> problems,
		@Nullable String current) {

	private static final MigrationStatus EMPTY = new MigrationStatus(List.of(), List.of(), List.of(), null);

	public MigrationStatus {
		migrations = List.copyOf(migrations);
		pending = List.copyOf(pending);
		problems = List.copyOf(problems);
	}

	/**
	 * Returns the status of a database without migrations or history.
	 * @return the empty status
	 */
	public static MigrationStatus empty() {
		return EMPTY;
	}

	/**
	 * Counts the migrations in one state.
	 * @param state the state to count
	 * @return how many migrations are in it
	 */
	public int count(MigrationState state) {
		return (int) this.migrations.stream().filter((migration) -> migration.state() == state).count();
	}

	/**
	 * Returns the problems' messages.
	 * @return one message per problem
	 */
	public List<String> problemMessages() {
		return this.problems.stream().map(Problem::message).toList();
	}

	/**
	 * Refuses to run while the history and the files disagree.
	 * @throws MigrationException naming every problem and what to do about it
	 */
	void refuseProblems() {
		refuseProblems("Nothing was applied.");
	}

	/**
	 * Refuses to run while the history and the files disagree.
	 * @param consequence the sentence the message starts with, such as "Nothing was
	 * rolled back."
	 * @throws MigrationException naming every problem and what to do about it
	 */
	void refuseProblems(String consequence) {
		if (this.problems.isEmpty()) {
			return;
		}
		String intro = (this.problems.size() == 1) ? "" : this.problems.size() + " problems stop the run:\n- ";
		throw new MigrationException(consequence + " " + intro + String.join("\n- ", problemMessages()));
	}

	/**
	 * Tells whether a run would neither apply anything nor refuse to start.
	 * @return whether nothing is pending and nothing is wrong
	 */
	public boolean upToDate() {
		return this.pending.isEmpty() && this.problems.isEmpty();
	}

	/**
	 * Why one migration stops a run.
	 *
	 * @param migration the migration
	 * @param message what is wrong, ending with what to do
	 */
	public record Problem(MigrationInfo migration, String message) {

	}

}
