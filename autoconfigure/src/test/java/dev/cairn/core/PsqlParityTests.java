package dev.cairn.core;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.cairn.test.PostgresClient;
import dev.cairn.test.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cairn leaves exactly the schema and data that {@code psql -f} leaves, file by file: the
 * scenario is applied once by Cairn and once by psql into two fresh databases, and
 * {@code pg_dump} of both must match.
 */
@Tag(PostgresClient.TAG)
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
			PostgresClient.psql(this.psql, "-f", file.toString());
		}
		assertThat(PostgresClient.schema(this.cairn)).isEqualTo(PostgresClient.schema(this.psql));
		assertThat(PostgresClient.dump(this.cairn, "--data-only"))
			.isEqualTo(PostgresClient.dump(this.psql, "--data-only"));
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

}
