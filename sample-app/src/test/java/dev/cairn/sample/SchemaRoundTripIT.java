package dev.cairn.sample;

import java.io.IOException;
import java.util.stream.Collectors;

import dev.cairn.sample.SampleJar.Result;
import dev.cairn.test.PostgresClient;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's down files undo exactly what their up files did: up, all the way down, and
 * up again gives the same schema, and all the way down gives the empty one, compared with
 * {@code pg_dump --schema-only} (without the history table, which records the round
 * trip).
 */
@Tag(PostgresClient.TAG)
class SchemaRoundTripIT {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final SampleJar jar = new SampleJar(this.database);

	@Test
	void upDownUpGivesTheSameSchema() throws Exception {
		String empty = schema();
		assertSucceeded(this.jar.command("migrate"));
		String up = schema();
		assertThat(up).contains("CREATE TABLE public.findings", "findings_severity_idx",
				"CREATE TABLE public.runner_jobs");

		assertSucceeded(this.jar.command("rollback", "--cairn.target=0"));
		String down = schema();
		assertThat(down).isEqualTo(empty);

		assertSucceeded(this.jar.command("migrate"));
		assertThat(schema()).isEqualTo(up);
	}

	private static void assertSucceeded(Result result) {
		assertThat(result.exitCode()).as(result.toString()).isZero();
	}

	private String schema() throws IOException, InterruptedException {
		String text = PostgresClient.run("pg_dump", "--schema-only", "--no-owner", "--no-privileges",
				"--exclude-table=public.cairn_history", this.database.libpqUri());
		// Newer pg_dump releases guard the script with \restrict <random key>; drop those
		// and comments.
		return text.lines()
			.filter((line) -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
			.filter((line) -> !line.startsWith("--"))
			.collect(Collectors.joining("\n", "", "\n"))
			.replaceAll("\n{3,}", "\n\n");
	}

}
