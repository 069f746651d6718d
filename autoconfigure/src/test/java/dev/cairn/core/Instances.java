package dev.cairn.core;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.cairn.test.TestDatabase;

/**
 * Starts {@link MigrateLauncher} in JVMs of their own, as separate application instances
 * would run.
 */
final class Instances {

	private Instances() {
	}

	/**
	 * Starts one instance.
	 * @param database the database to migrate
	 * @param location the migration location
	 * @param name the instance name, also its {@code application_name}
	 * @param options PostgreSQL session options ({@code -c name=value ...}), or an empty
	 * string
	 * @param output where the instance's output goes
	 * @return the running process
	 */
	static Process start(TestDatabase database, String location, String name, String options, Path output)
			throws IOException {
		return start(database, location, name, options, output, List.of());
	}

	/**
	 * Starts one instance with extra JVM options.
	 * @param database the database to migrate
	 * @param location the migration location
	 * @param name the instance name, also its {@code application_name}
	 * @param options PostgreSQL session options ({@code -c name=value ...}), or an empty
	 * string
	 * @param output where the instance's output goes
	 * @param jvmOptions options for the instance's JVM, such as
	 * {@code -Duser.language=de}
	 * @return the running process
	 */
	static Process start(TestDatabase database, String location, String name, String options, Path output,
			List<String> jvmOptions) throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), MigrateLauncher.class.getName(),
				url(database, options), location, name));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
	}

	/**
	 * Starts one instance on a JDBC URL of its own, such as one through a pooler.
	 * @param url the JDBC URL, with the user
	 * @param location the migration location
	 * @param name the instance name, also its {@code application_name}
	 * @param output where the instance's output goes
	 * @return the running process
	 */
	static Process start(String url, String location, String name, Path output) throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), MigrateLauncher.class.getName(), url, location, name);
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
	}

	private static String url(TestDatabase database, String options) {
		StringBuilder url = new StringBuilder(database.url());
		char separator = (url.indexOf("?") >= 0) ? '&' : '?';
		if (database.username() != null) {
			url.append(separator).append("user=").append(encode(database.username()));
			separator = '&';
		}
		if (database.password() != null) {
			url.append(separator).append("password=").append(encode(database.password()));
			separator = '&';
		}
		if (!options.isEmpty()) {
			url.append(separator).append("options=").append(encode(options));
		}
		return url.toString();
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
	}

	static String location(Path folder) {
		return "filesystem:" + folder.toAbsolutePath() + File.separator;
	}

}
