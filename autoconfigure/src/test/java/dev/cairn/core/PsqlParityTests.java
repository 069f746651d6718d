package dev.cairn.core;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cairn leaves exactly the schema and data that {@code psql -f} leaves, file by file: the scenario is applied once
 * by Cairn and once by psql into two fresh databases, and {@code pg_dump} of both must match.
 */
class PsqlParityTests {

	@RegisterExtension
	final TestDatabase cairn = new TestDatabase();

	@RegisterExtension
	final TestDatabase psql = new TestDatabase();

	@ParameterizedTest
	@ValueSource(strings = { "valid", "psql-wrapped", "pg-dump", "no-transaction-index", "search-path", "empty" })
	void cairnLeavesWhatPsqlLeaves(String scenario) throws Exception {
		Path folder = scenarioFolder(scenario);
		new Migrator(this.cairn.dataSource(), MigratorSettings.builder().locations("filesystem:" + folder).build())
			.migrate();
		for (Path file : sqlFiles(folder)) {
			run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", this.psql.libpqUri(), "-f", file.toString());
		}
		assertThat(dump(this.cairn, "--schema-only")).isEqualTo(dump(this.psql, "--schema-only"));
		assertThat(dump(this.cairn, "--data-only")).isEqualTo(dump(this.psql, "--data-only"));
	}

	private static Path scenarioFolder(String scenario) throws URISyntaxException {
		return Path.of(PsqlParityTests.class.getResource("/scenarios/" + scenario).toURI());
	}

	private static List<Path> sqlFiles(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter((file) -> file.toString().endsWith(".sql") && !file.toString().endsWith(".down.sql"))
				.sorted()
				.toList();
		}
	}

	private static String dump(TestDatabase database, String what) throws Exception {
		String dump = run("pg_dump", "--no-owner", "--no-privileges", "-T", "cairn_history", what, "-d",
				database.libpqUri());
		List<String> kept = new ArrayList<>();
		for (String line : dump.split("\n")) {
			if (!line.startsWith("\\restrict") && !line.startsWith("\\unrestrict")) {
				kept.add(line);
			}
		}
		return String.join("\n", kept);
	}

	private static String run(String... command) throws Exception {
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException(command[0] + " is needed for this test and was not found on the PATH ("
					+ ex.getMessage() + "). Install the PostgreSQL client (Debian: apt-get install postgresql-client).",
					ex);
		}
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
		String text = new String(output, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as(String.join(" ", command) + File.separator + text).isZero();
		return text;
	}

}
