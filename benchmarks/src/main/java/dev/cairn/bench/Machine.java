package dev.cairn.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

/**
 * What the numbers were measured on, for the report.
 *
 * @param cpus {@code nproc}
 * @param memory the "Mem:" line of {@code free -h}
 * @param postgres the server's version
 * @param jdk the running JDK
 * @param psql {@code psql --version}
 * @param versions the Boot, Flyway, Liquibase and pgjdbc versions the jar was built with
 * @param commit the Cairn commit the jar was built from
 */
record Machine(int cpus, String memory, String postgres, String jdk, String psql, Properties versions, String commit) {

	static Machine describe(Bench.Options options, Path home) throws Exception {
		String postgres;
		try (Connection connection = DriverManager.getConnection(options.server + "postgres?user=" + options.user);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SHOW server_version")) {
			rows.next();
			postgres = "PostgreSQL " + rows.getString(1);
		}
		Properties versions = new Properties();
		try (InputStream in = Machine.class.getResourceAsStream("/bench-versions.properties")) {
			if (in != null) {
				versions.load(in);
			}
		}
		// Flyway's and Liquibase's versions come from the Boot BOM, which the build
		// cannot interpolate here.
		try (InputStream in = org.flywaydb.core.Flyway.class
			.getResourceAsStream("/org/flywaydb/core/internal/version.txt")) {
			versions.setProperty("flyway", new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
		}
		versions.setProperty("liquibase", liquibase.util.LiquibaseUtil.getBuildVersion());
		String memory = command("free", "-h").lines()
			.filter((line) -> line.startsWith("Mem:"))
			.map((line) -> line.replaceAll("\\s+", " "))
			.findFirst()
			.orElse("?");
		String commit = command("git", "-C", home.toString(), "log", "-1", "--format=%h (%ad, %s)", "--date=short")
			.trim();
		String engine = command("git", "-C", home.toString(), "log", "-1", "--format=%h", "--",
				"../../autoconfigure/src/main")
			.trim();
		String dirty = command("git", "-C", home.toString(), "status", "--porcelain", "--", "../../autoconfigure")
			.isBlank() ? "" : " + uncommitted engine changes";
		commit = commit + "; engine last changed in " + engine;
		return new Machine(Runtime.getRuntime().availableProcessors(), memory, postgres,
				System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
				command(options.psql, "--version").trim(), versions, commit + dirty);
	}

	String oneLine() {
		return this.cpus + " CPUs, " + this.postgres + ", " + this.jdk;
	}

	private static String command(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return (process.waitFor() == 0) ? out : "?";
		}
		catch (IOException ex) {
			return "?";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "?";
		}
	}

}
