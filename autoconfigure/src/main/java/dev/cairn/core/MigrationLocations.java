package dev.cairn.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Lists the {@code .sql} files of migration locations ({@code classpath:}, {@code file:}
 * and {@code filesystem:}), refusing a location that does not exist or cannot be read
 * completely, since it would read as one without migrations.
 */
final class MigrationLocations {

	private final ResourcePatternResolver resolver;

	MigrationLocations(ResourcePatternResolver resolver) {
		this.resolver = resolver;
	}

	/**
	 * Lists the {@code .sql} files of a location, and the Flyway {@code .sql.conf} files
	 * beside them, in one walk.
	 * @param location the location as configured
	 * @return what the location holds
	 */
	Listing scan(String location) {
		String base = normalise(location);
		try {
			checkWalkable(location, base);
			List<Resource> found = new ArrayList<>();
			Map<String, Resource> confs = new HashMap<>();
			for (Resource resource : this.resolver.getResources(base + "/**/*")) {
				String name = resource.getFilename();
				if (name != null && name.toLowerCase(Locale.ROOT).endsWith(".sql.conf")) {
					String conf = uri(resource);
					confs.put(conf.substring(0, conf.length() - ".conf".length()), resource);
				}
				if (name != null && MigrationFileName.isSql(name)) {
					if (isDirectory(resource)) {
						throw MigrationException.inFile(name, "Migration location " + location + " holds a folder "
								+ "named " + name + " (" + resource.getDescription() + "), which looks like a "
								+ "migration but is not a file. Rename the folder so that its name does not end in "
								+ ".sql.", null);
					}
					found.add(resource);
				}
			}
			if (found.isEmpty() && !exists(base)) {
				throw new MigrationException("Migration location " + location + " does not exist. Create it and put "
						+ "your migrations there (for the default, src/main/resources/db/migrations/), or point "
						+ "cairn.locations at the folder that holds them.");
			}
			return new Listing(found, confs);
		}
		catch (IOException ex) {
			throw MigrationException.causedBy("Cannot list migration location " + location + ": " + ex.getMessage()
					+ ". Check that it exists and can be read.", ex);
		}
	}

	List<String> roots(String location) {
		List<String> roots = new ArrayList<>();
		try {
			for (Resource root : this.resolver.getResources(normalise(location))) {
				String uri = uri(root);
				roots.add(uri.endsWith("/") ? uri : uri + "/");
			}
		}
		catch (IOException ex) {
			// Only for messages: without the roots they name the location without the
			// subfolder.
		}
		return roots;
	}

	/**
	 * Returns the folder below the location that holds a file ({@code /a/b}, or empty at
	 * the top), so that messages about two files of the same name in different subfolders
	 * tell them apart.
	 */
	static String subfolder(String uri, List<String> roots) {
		for (String root : roots) {
			if (uri.startsWith(root)) {
				String relative = uri.substring(root.length());
				int slash = relative.lastIndexOf('/');
				return (slash > 0) ? "/" + relative.substring(0, slash) : "";
			}
		}
		return "";
	}

	/**
	 * Walks the folders of a file system location the way the resolver does, following
	 * links, because the resolver only logs a folder it cannot walk (a symbolic link
	 * loop, a folder it may not read) and then finds nothing there, which would read as a
	 * location without pending migrations.
	 */
	private void checkWalkable(String location, String base) throws IOException {
		for (Resource root : this.resolver.getResources(base)) {
			if (!root.isFile() || !root.getFile().isDirectory()) {
				continue;
			}
			try (Stream<Path> walk = Files.walk(root.getFile().toPath(), FileVisitOption.FOLLOW_LINKS)) {
				walk.forEach((path) -> {
				});
			}
			catch (UncheckedIOException ex) {
				IOException cause = ex.getCause();
				String reason = (cause instanceof FileSystemLoopException)
						? "the symbolic link " + cause.getMessage() + " points back to a folder that contains it"
						: cause.getClass().getSimpleName() + ": " + cause.getMessage();
				throw MigrationException.causedBy("Cannot list migration location " + location + ": " + reason
						+ ". Remove the link or make the folder readable; Cairn refuses to run with a location it "
						+ "cannot read completely, since it would miss migrations.", cause);
			}
		}
	}

	private boolean exists(String base) throws IOException {
		for (Resource root : this.resolver.getResources(base)) {
			if (root.exists()) {
				return true;
			}
		}
		return false;
	}

	static String normalise(String location) {
		String trimmed = location.trim();
		if (trimmed.startsWith("filesystem:")) {
			trimmed = "file:" + trimmed.substring("filesystem:".length());
		}
		else if (trimmed.startsWith("classpath:")) {
			trimmed = "classpath*:" + trimmed.substring("classpath:".length());
		}
		else if (!trimmed.contains(":")) {
			trimmed = "classpath*:" + trimmed;
		}
		return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
	}

	private static boolean isDirectory(Resource resource) {
		try {
			return resource.isFile() && resource.getFile().isDirectory();
		}
		catch (IOException ex) {
			return false;
		}
	}

	static String uri(Resource resource) {
		try {
			return resource.getURI().normalize().toString();
		}
		catch (IOException ex) {
			return resource.getDescription();
		}
	}

	/**
	 * The files of one location.
	 *
	 * @param files the {@code .sql} files
	 * @param confs the {@code .sql.conf} files, by the URI of the {@code .sql} file they
	 * configure
	 */
	record Listing(List<Resource> files, Map<String, Resource> confs) {

	}

}
