package dev.cairn.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine stays plain Java on Spring JDBC: nothing in {@code dev.cairn.core} may
 * depend on Spring Boot.
 */
class EngineIndependenceTests {

	@Test
	void engineSourcesDoNotImportSpringBoot() throws IOException {
		Path engine = Path.of("src/main/java/dev/cairn/core");
		assertThat(engine).isDirectory();
		try (Stream<Path> files = Files.list(engine)) {
			List<Path> offenders = files.filter((file) -> file.toString().endsWith(".java"))
				.filter((file) -> read(file).contains("org.springframework.boot"))
				.toList();
			assertThat(offenders).isEmpty();
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
