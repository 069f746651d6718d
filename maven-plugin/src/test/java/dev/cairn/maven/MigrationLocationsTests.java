package dev.cairn.maven;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MigrationLocations}.
 */
class MigrationLocationsTests {

	@TempDir
	Path project;

	@Test
	void defaultsToDbMigrationsInTheResources() throws Exception {
		MigrationLocations locations = of(null);
		assertThat(locations.configured()).containsExactly("classpath:db/migrations");
		assertThat(locations.origin()).isEqualTo("Cairn's default");
		assertThat(locations.folder("classpath:db/migrations"))
			.isEqualTo(this.project.resolve("src/main/resources/db/migrations"));
	}

	@Test
	void readsCommaSeparatedLocationsFromApplicationProperties() throws Exception {
		write("application.properties", "spring.application.name=x\ncairn.locations=classpath:db/a, file:sql/b\n");
		MigrationLocations locations = of(null);
		assertThat(locations.configured()).containsExactly("classpath:db/a", "file:sql/b");
		assertThat(locations.origin()).isEqualTo("src/main/resources/application.properties");
		assertThat(locations.forEngine()).containsExactly("classpath:db/a", "file:" + this.project.resolve("sql/b"));
		assertThat(locations.folder("file:sql/b")).isEqualTo(this.project.resolve("sql/b"));
	}

	@Test
	void readsIndexedLocationsFromApplicationProperties() throws Exception {
		write("application.properties",
				"cairn.locations[1]=classpath:db/second\ncairn.locations[0]=classpath:db/first\n");
		assertThat(of(null).configured()).containsExactly("classpath:db/first", "classpath:db/second");
	}

	@Test
	void readsALocationListFromApplicationYml() throws Exception {
		write("application.yml",
				"spring:\n  application:\n    name: x\ncairn:\n  locations:\n    - classpath:db/yml\n");
		MigrationLocations locations = of(null);
		assertThat(locations.configured()).containsExactly("classpath:db/yml");
		assertThat(locations.folder("classpath:db/yml")).isEqualTo(this.project.resolve("src/main/resources/db/yml"));
	}

	@Test
	void readsAFlatKeyFromApplicationYaml() throws Exception {
		write("application.yaml", "cairn.locations: filesystem:/opt/sql\n");
		assertThat(of(null).folder("filesystem:/opt/sql")).isEqualTo(Path.of("/opt/sql"));
	}

	@Test
	void theGoalsOwnLocationsWin() throws Exception {
		write("application.properties", "cairn.locations=classpath:db/a\n");
		MigrationLocations locations = of(List.of("classpath:db/other"));
		assertThat(locations.configured()).containsExactly("classpath:db/other");
		assertThat(locations.origin()).isEqualTo("the plugin configuration");
	}

	private MigrationLocations of(List<String> override) throws Exception {
		return MigrationLocations.of(this.project, this.project.resolve("src/main/resources"), override);
	}

	private void write(String name, String text) throws Exception {
		Path file = this.project.resolve("src/main/resources").resolve(name);
		Files.createDirectories(file.getParent());
		Files.writeString(file, text);
	}

}
