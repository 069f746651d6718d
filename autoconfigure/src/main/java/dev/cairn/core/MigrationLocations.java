package dev.cairn.core;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Lists the {@code .sql} files of migration locations ({@code classpath:}, {@code file:}
 * and {@code filesystem:}), refusing a location that does not exist or cannot be read
 * completely, since it would read as one without migrations.
 */
final class MigrationLocations {

	private final @Nullable ClassLoader classLoader;

	private @Nullable ResourcePatternResolver resolver;

	/**
	 * Creates the lister.
	 * @param classLoader where {@code classpath:} locations are looked up
	 */
	MigrationLocations(@Nullable ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	/**
	 * Returns the resource resolver, created on first use: a run with only
	 * {@code filesystem:} locations never needs it.
	 */
	private ResourcePatternResolver resolver() {
		if (this.resolver == null) {
			this.resolver = new PathMatchingResourcePatternResolver(this.classLoader);
		}
		return this.resolver;
	}

	/**
	 * Lists the {@code .sql} files of a location, and the Flyway {@code .sql.conf} files
	 * beside them, in one walk. A {@code file:} folder is walked directly, without the
	 * resource resolver, which would walk it once more and match every path against a
	 * pattern.
	 * @param location the location as configured
	 * @return what the location holds
	 */
	Listing scan(String location) {
		String base = normalise(location);
		try {
			Path folder = plainFolder(base);
			return (folder != null) ? walk(location, folder) : resolve(location, base);
		}
		catch (IOException ex) {
			throw MigrationException.causedBy("Cannot list migration location " + location + ": " + ex.getMessage()
					+ ". Check that it exists and can be read.", ex);
		}
	}

	private Listing resolve(String location, String base) throws IOException {
		for (Resource root : resolver().getResources(base)) {
			if (root.isFile() && root.getFile().isDirectory()) {
				walkable(location, root.getFile().toPath(), (path) -> {
				});
			}
		}
		Listing listing = new Listing(new ArrayList<>(), new HashMap<>(), roots(base));
		for (Resource resource : resolver().getResources(base + "/**/*")) {
			String name = resource.getFilename();
			if (name != null) {
				listing.add(location, resource, name, uri(resource), Kind.of(resource));
			}
		}
		if (listing.files().isEmpty() && !exists(base)) {
			throw missing(location);
		}
		return listing;
	}

	/**
	 * Lists a folder of the file system as the resolver would, following links, sorted by
	 * path so that messages naming two files always name them in the same order.
	 */
	private Listing walk(String location, Path folder) throws IOException {
		if (!Files.exists(folder)) {
			throw missing(location);
		}
		Path root = folder.toAbsolutePath().normalize();
		List<Path> paths = new ArrayList<>();
		if (Files.isDirectory(root)) {
			walkable(location, root, (path) -> {
				if (!path.equals(root)) {
					paths.add(path);
				}
			});
		}
		paths.sort(null);
		Listing listing = new Listing(new ArrayList<>(), new HashMap<>(), List.of(fileUri(root, true)));
		for (Path path : paths) {
			String name = path.getFileName().toString();
			boolean sql = MigrationFileName.isSql(name);
			if (sql || name.toLowerCase(Locale.ROOT).endsWith(".sql.conf")) {
				Kind kind = Kind.of(path);
				listing.add(location, new FileSystemResource(path), name, fileUri(path, sql && kind == Kind.FOLDER),
						kind);
			}
		}
		return listing;
	}

	/**
	 * Returns the folder of a {@code file:} location without wildcards, or {@code null}
	 * for any other location, which the resolver lists.
	 */
	private static @Nullable Path plainFolder(String base) {
		if (!base.startsWith("file:")) {
			return null;
		}
		String path = base.substring("file:".length());
		for (int i = 0; i < path.length(); i++) {
			if ("*?{}[]%".indexOf(path.charAt(i)) >= 0) {
				return null;
			}
		}
		return (path.isEmpty() || path.startsWith("//")) ? null : Path.of(path);
	}

	/**
	 * Returns what {@code path.toUri().toString()} returns, without building the URI when
	 * every character of an absolute, normalised path stands for itself in one.
	 */
	static String fileUri(Path path, boolean directory) {
		String text = path.toString();
		boolean plain = text.startsWith("/") && File.separatorChar == '/';
		for (int i = 0; plain && i < text.length(); i++) {
			char c = text.charAt(i);
			plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| "/._-~".indexOf(c) >= 0;
		}
		if (!plain) {
			String uri = path.toUri().normalize().toString();
			return (directory && !uri.endsWith("/")) ? uri + "/" : uri;
		}
		return "file://" + text + ((directory && !text.endsWith("/")) ? "/" : "");
	}

	private static MigrationException missing(String location) {
		return new MigrationException("Migration location " + location + " does not exist. Create it and put "
				+ "your migrations there (for the default, src/main/resources/db/migrations/), or point "
				+ "cairn.locations at the folder that holds them.");
	}

	private List<String> roots(String base) {
		List<String> roots = new ArrayList<>();
		try {
			for (Resource root : resolver().getResources(base)) {
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
	 * links, and refuses one it cannot walk completely: the resolver only logs a folder
	 * it cannot walk (a symbolic link loop, a folder it may not read) and then finds
	 * nothing there, which would read as a location without pending migrations.
	 */
	private static void walkable(String location, Path root, Consumer<Path> visit) throws IOException {
		try (Stream<Path> walk = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
			walk.forEach(visit);
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

	private boolean exists(String base) throws IOException {
		for (Resource root : resolver().getResources(base)) {
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

	/**
	 * What a path of a location is. Anything but a regular file or a folder (a named
	 * pipe, a socket, a device) is refused before it is opened: opening a named pipe
	 * waits for a writer, so reading it as a migration could block the run forever.
	 */
	enum Kind {

		FILE, FOLDER, SPECIAL;

		static Kind of(Path path) {
			try {
				BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
				return attributes.isDirectory() ? FOLDER : attributes.isRegularFile() ? FILE : SPECIAL;
			}
			catch (IOException ex) {
				// A broken link, say: reading it then says what is wrong with it.
				return FILE;
			}
		}

		static Kind of(Resource resource) {
			try {
				return resource.isFile() ? of(resource.getFile().toPath()) : FILE;
			}
			catch (IOException ex) {
				return FILE;
			}
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
	 * @param roots the URIs of the folders the location names, each ending in {@code /}
	 */
	record Listing(List<Found> files, Map<String, Resource> confs, List<String> roots) {

		private void add(String location, Resource resource, String name, String uri, Kind kind) {
			if (kind == Kind.SPECIAL) {
				throw MigrationException.inFile(name, "Migration location " + location + " holds " + name + " ("
						+ resource.getDescription() + "), which is not a regular file but a named pipe, socket or "
						+ "device: reading it could wait forever. Replace it with a regular file, or remove it.", null);
			}
			if (name.toLowerCase(Locale.ROOT).endsWith(".sql.conf")) {
				this.confs.put(uri.substring(0, uri.length() - ".conf".length()), resource);
			}
			if (MigrationFileName.isSql(name)) {
				if (kind == Kind.FOLDER) {
					throw MigrationException.inFile(name,
							"Migration location " + location + " holds a folder " + "named " + name + " ("
									+ resource.getDescription() + "), which looks like a "
									+ "migration but is not a file. Rename the folder so that its name does not end in "
									+ ".sql.",
							null);
				}
				this.files.add(new Found(resource, name, uri));
			}
		}

	}

	/**
	 * A {@code .sql} file of a location.
	 *
	 * @param resource the file
	 * @param name its file name
	 * @param uri its normalised URI, which tells two locations' files apart
	 */
	record Found(Resource resource, String name, String uri) {

	}

}
