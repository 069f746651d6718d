package dev.cairn.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Writes the next migration file, and its down twin, in the style the location already
 * uses, and prints both paths:
 * {@code ./mvnw cairn:create -Dname="add discount to invoices"}.
 */
@Mojo(name = "create", threadSafe = true)
public class CreateMojo extends CairnMojo {

	/** What the migration does, in words; it becomes the file's description. */
	@Parameter(property = "name", required = true)
	String name;

	/**
	 * Whether to create a repeatable migration ({@code R__<name>.sql}) instead of a
	 * versioned one.
	 */
	@Parameter(property = "repeatable", defaultValue = "false")
	boolean repeatable;

	@Override
	void run(MigrationLocations locations) throws IOException, MojoFailureException {
		Path folder = locations.folder(locations.configured().get(0));
		List<String> existing;
		if (Files.isDirectory(folder)) {
			try (Stream<Path> files = Files.walk(folder)) {
				existing = files.filter(Files::isRegularFile)
					.map((path) -> path.getFileName().toString())
					.filter((file) -> file.endsWith(".sql"))
					.toList();
			}
		}
		else {
			existing = List.of();
		}
		NewMigration migration;
		try {
			migration = NewMigration.next(existing, this.name, this.repeatable, Instant.now());
		}
		catch (IllegalArgumentException ex) {
			throw new MojoFailureException(ex.getMessage());
		}
		Files.createDirectories(folder);
		Path up = folder.resolve(migration.up());
		write(up, "-- " + this.name.strip() + "\n");
		getLog().info("Created " + up);
		if (migration.down() != null) {
			Path down = folder.resolve(migration.down());
			write(down, "-- Undoes " + migration.up() + "\n");
			getLog().info("Created " + down);
		}
	}

	private static void write(Path file, String text) throws IOException, MojoFailureException {
		if (Files.exists(file)) {
			throw new MojoFailureException(file + " exists already; nothing was written.");
		}
		Files.writeString(file, text, StandardCharsets.UTF_8);
	}

}
