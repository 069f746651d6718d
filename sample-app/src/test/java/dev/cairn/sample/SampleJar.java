package dev.cairn.sample;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the packaged sample jar ({@code java -jar cairn-sample-app.jar ...}) as a separate
 * process against a test database, as a Kubernetes Job or a person at a terminal would.
 * Failsafe passes the jar's path in {@code cairn.sample.jar}.
 */
final class SampleJar {

	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	private final TestDatabase database;

	SampleJar(TestDatabase database) {
		this.database = database;
	}

	/**
	 * Returns a runner that passes no database settings, so the jar finds its database as
	 * it would on its own.
	 */
	static SampleJar withoutDatabase() {
		return new SampleJar(null);
	}

	/**
	 * Runs the jar with {@code --cairn.command=<command>} and the given extra arguments,
	 * and waits for it to exit.
	 */
	Result command(String command, String... arguments) {
		List<String> all = new ArrayList<>(List.of("--cairn.command=" + command));
		all.addAll(Arrays.asList(arguments));
		return run(all);
	}

	/**
	 * Starts the application itself (web server on a random port) and waits until it has
	 * started or exited.
	 */
	Result start(String... arguments) {
		List<String> all = new ArrayList<>(List.of("--server.port=0"));
		all.addAll(Arrays.asList(arguments));
		return run(all);
	}

	private Result run(List<String> arguments) {
		List<String> command = new ArrayList<>(List.of(javaExecutable(), "-XX:TieredStopAtLevel=1", "-jar", jar()));
		if (this.database != null) {
			command.add("--spring.datasource.url=" + this.database.url());
			command.add("--spring.datasource.username=" + this.database.username());
			if (this.database.password() != null) {
				command.add("--spring.datasource.password=" + this.database.password());
			}
		}
		command.addAll(arguments);
		try {
			File out = File.createTempFile("cairn-it-", ".out");
			File err = File.createTempFile("cairn-it-", ".err");
			Process process = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
			Instant deadline = Instant.now().plus(TIMEOUT);
			boolean started = false;
			while (process.isAlive() && Instant.now().isBefore(deadline) && !started) {
				process.waitFor(200, TimeUnit.MILLISECONDS);
				started = read(out).contains("Started VegaApplication");
			}
			if (process.isAlive()) {
				process.destroy();
				process.waitFor(20, TimeUnit.SECONDS);
				assertThat(started).as("%s did not finish within %s:%n%s", arguments, TIMEOUT, read(out)).isTrue();
			}
			Result result = new Result(started ? -1 : process.exitValue(), started, read(out), read(err));
			Files.deleteIfExists(out.toPath());
			Files.deleteIfExists(err.toPath());
			return result;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + command + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String read(File file) throws IOException {
		return Files.readString(file.toPath(), StandardCharsets.UTF_8);
	}

	static String jar() {
		String jar = System.getProperty("cairn.sample.jar");
		assertThat(jar).as("cairn.sample.jar is not set: run the *IT tests with failsafe (./mvnw verify)").isNotNull();
		assertThat(Path.of(jar)).as("the packaged sample jar").exists();
		return jar;
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * What one run of the jar did.
	 *
	 * @param exitCode the exit code, or -1 when the application started and was stopped
	 * by the test
	 * @param started whether the application logged that it started
	 * @param out what it wrote to standard output
	 * @param err what it wrote to standard error
	 */
	record Result(int exitCode, boolean started, String out, String err) {

		@Override
		public String toString() {
			return "exit code " + this.exitCode + "\n--- stdout:\n" + this.out + "--- stderr:\n" + this.err;
		}

	}

}
