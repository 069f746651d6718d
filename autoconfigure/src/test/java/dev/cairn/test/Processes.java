package dev.cairn.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the programs the proofs start (psql, pg_dump, initdb, pgbouncer) so that a program
 * that hangs fails the test after a while instead of hanging the build: its output goes
 * to a file, not to a pipe that must be read to the end before the timeout can fire.
 */
public final class Processes {

	private Processes() {
	}

	/**
	 * What a finished program printed, standard error included, and its exit code.
	 *
	 * @param exitCode the exit code
	 * @param output what it printed
	 */
	public record Finished(int exitCode, String output) {
	}

	/**
	 * Runs a program to its end, failing when it takes longer than the timeout.
	 * @param builder the program, its arguments and environment; its output is redirected
	 * here
	 * @param timeout how long it may take
	 * @return its exit code and output
	 */
	public static Finished run(ProcessBuilder builder, Duration timeout) {
		String program = builder.command().get(0);
		try {
			File output = File.createTempFile("cairn-process", ".out");
			try {
				Process process = PostgresClient.start(builder.redirectErrorStream(true).redirectOutput(output));
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
					throw new IllegalStateException(String.join(" ", builder.command()) + " did not finish within "
							+ timeout.toSeconds() + " s and was killed. It printed:\n" + read(output));
				}
				return new Finished(process.exitValue(), read(output));
			}
			finally {
				Files.deleteIfExists(output.toPath());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + program, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while " + program + " ran", ex);
		}
	}

	/**
	 * Runs a program as {@link #run(ProcessBuilder, Duration)} does, failing unless it
	 * exits with 0.
	 * @param builder the program
	 * @param timeout how long it may take
	 * @return what it printed
	 */
	public static String succeed(ProcessBuilder builder, Duration timeout) {
		Finished finished = run(builder, timeout);
		if (finished.exitCode() != 0) {
			throw new IllegalStateException(String.join(" ", builder.command()) + " exited with " + finished.exitCode()
					+ ":\n" + finished.output());
		}
		return finished.output();
	}

	/**
	 * Prefixes a command with {@code runuser -u postgres --} when the tests run as root,
	 * as CI does: {@code initdb}, {@code postgres} and {@code pgbouncer} refuse to run as
	 * root.
	 * @param command the program and its arguments
	 * @return the command to run
	 */
	public static List<String> asPostgresUser(List<String> command) {
		List<String> full = new ArrayList<>();
		if ("root".equals(System.getProperty("user.name"))) {
			full.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		full.addAll(command);
		return full;
	}

	/**
	 * Returns a local TCP port that nothing listens on now.
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free local port", ex);
		}
	}

	private static String read(File output) throws IOException {
		return new String(Files.readAllBytes(output.toPath()), StandardCharsets.UTF_8);
	}

}
