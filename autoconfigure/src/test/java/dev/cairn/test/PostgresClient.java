package dev.cairn.test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs PostgreSQL's own client programs, {@code psql} and {@code pg_dump}, against a test
 * database: the yardstick for what Cairn leaves behind.
 * <p>
 * The embedded server of {@link TestDatabase} brings no client programs, so every test
 * that uses them carries {@code @Tag(PostgresClient.TAG)}: the default build leaves them
 * out, {@code -Pproofs} runs them, and there a missing program fails the test with what
 * to install.
 */
public final class PostgresClient {

	/** The JUnit tag of the tests that run psql or pg_dump. */
	public static final String TAG = "postgresql-client";

	private PostgresClient() {
	}

	/**
	 * Runs {@code psql} on a database, stopping at the first error.
	 * @param database the database
	 * @param arguments more arguments, for example {@code -f file.sql}
	 * @return what psql printed
	 */
	public static String psql(TestDatabase database, String... arguments) {
		List<String> command = new ArrayList<>(
				List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.libpqUri()));
		command.addAll(List.of(arguments));
		return run(command.toArray(String[]::new));
	}

	/**
	 * Dumps the schema, without the history table and without pg_dump's random
	 * {@code \restrict} guards, so that two dumps of equal schemas are equal.
	 * @param database the database
	 * @return the dump
	 */
	public static String schema(TestDatabase database) {
		return dump(database, "--schema-only");
	}

	/**
	 * Dumps a database as {@link #schema(TestDatabase)} does, with the given pg_dump
	 * option.
	 * @param database the database
	 * @param what {@code --schema-only} or {@code --data-only}
	 * @return the dump
	 */
	public static String dump(TestDatabase database, String what) {
		String dump = run("pg_dump", what, "--no-owner", "--no-privileges", "-T", "cairn_history", "-d",
				database.libpqUri());
		List<String> kept = new ArrayList<>();
		for (String line : dump.split("\n")) {
			if (!line.startsWith("\\restrict") && !line.startsWith("\\unrestrict")) {
				kept.add(line);
			}
		}
		return String.join("\n", kept);
	}

	/**
	 * Runs a command, failing the test unless it exits with 0.
	 * @param command the program and its arguments
	 * @return what it printed, standard error included
	 */
	public static String run(String... command) {
		return Processes.succeed(new ProcessBuilder(command), Duration.ofMinutes(2));
	}

	/**
	 * Starts one of PostgreSQL's client programs, failing with what to install when it is
	 * not there.
	 * @param process the program and its arguments, redirections set
	 * @return the started process
	 */
	public static Process start(ProcessBuilder process) {
		try {
			return process.start();
		}
		catch (IOException ex) {
			String program = process.command().get(0);
			throw new IllegalStateException(program + " is needed for this test and could not be run ("
					+ ex.getMessage() + "). Install PostgreSQL's client programs, version 15 or newer (Debian and "
					+ "Ubuntu: apt-get install postgresql-client; macOS: brew install libpq) and put them on the PATH.",
					ex);
		}
	}

}
