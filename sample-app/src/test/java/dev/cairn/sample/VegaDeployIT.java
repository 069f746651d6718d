package dev.cairn.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.cairn.sample.SampleJar.Result;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vega's routine: migrate as a maintenance task (a Kubernetes Job or init container
 * running the application jar with {@code --cairn.command=migrate}), then deploy the
 * application with {@code cairn.mode=validate}, which starts only when nothing is
 * pending.
 */
class VegaDeployIT {

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	private final SampleJar jar = new SampleJar(this.database);

	@Test
	void migrateAsATaskThenDeployWithValidate(@TempDir Path release) throws IOException {
		Result task = this.jar.command("migrate");
		assertThat(task.exitCode()).as(task.toString()).isZero();
		assertThat(task.out()).contains("Applied 6 migrations");

		Result app = this.jar.start("--cairn.mode=validate");
		assertThat(app.started()).as(app.toString()).isTrue();
		assertThat(app.out()).contains("Schema validated at version 6, nothing pending");

		// The next release ships a migration, but the task that applies it has not run
		// yet.
		Files.writeString(release.resolve("007_scan_notes.sql"), "ALTER TABLE scans ADD COLUMN notes text;\n");
		String locations = "--cairn.locations=classpath:db/migrations,file:" + release;
		Result early = this.jar.start("--cairn.mode=validate", locations);
		assertThat(early.started()).as(early.toString()).isFalse();
		assertThat(early.exitCode()).isNotZero();
		assertThat(early.out() + early.err()).contains("1 migration is pending", "007_scan_notes.sql",
				"cairn.mode=validate does not apply them");

		Result nextTask = this.jar.command("migrate", locations);
		assertThat(nextTask.exitCode()).as(nextTask.toString()).isZero();
		assertThat(nextTask.out()).contains("Applied 1 migration", "007_scan_notes.sql", "schema now at version 7.");
		Result deployed = this.jar.start("--cairn.mode=validate", locations);
		assertThat(deployed.started()).as(deployed.toString()).isTrue();
		assertThat(deployed.out()).contains("Schema validated at version 7, nothing pending");
	}

}
