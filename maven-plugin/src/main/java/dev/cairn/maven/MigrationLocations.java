package dev.cairn.maven;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The project's migration locations, as its own {@code application.properties} or
 * {@code application.yml} sets {@code cairn.locations}, else Cairn's default;
 * {@code classpath:} locations are read from the project's resources folder, so that
 * messages name them as a running application would.
 */
final class MigrationLocations {

	static final String DEFAULT = "classpath:db/migrations";

	private final List<String> locations;

	private final Path basedir;

	private final Path resources;

	private final String origin;

	private MigrationLocations(List<String> locations, Path basedir, Path resources, String origin) {
		this.locations = List.copyOf(locations);
		this.basedir = basedir;
		this.resources = resources;
		this.origin = origin;
	}

	/**
	 * Finds the locations.
	 * @param basedir the project folder
	 * @param resources the project's main resources folder
	 * @param override locations given to the goal, which win over the project's
	 * configuration when not empty
	 */
	static MigrationLocations of(Path basedir, Path resources, @Nullable List<String> override) throws IOException {
		if (override != null && !override.isEmpty()) {
			return new MigrationLocations(override, basedir, resources, "the plugin configuration");
		}
		Path properties = resources.resolve("application.properties");
		if (Files.isRegularFile(properties)) {
			List<String> found = fromProperties(properties);
			if (!found.isEmpty()) {
				return new MigrationLocations(found, basedir, resources, basedir.relativize(properties).toString());
			}
		}
		for (String name : List.of("application.yml", "application.yaml")) {
			Path yaml = resources.resolve(name);
			if (Files.isRegularFile(yaml)) {
				List<String> found = fromYaml(yaml);
				if (!found.isEmpty()) {
					return new MigrationLocations(found, basedir, resources, basedir.relativize(yaml).toString());
				}
			}
		}
		return new MigrationLocations(List.of(DEFAULT), basedir, resources, "Cairn's default");
	}

	/** Returns the locations as given, for messages. */
	List<String> configured() {
		return this.locations;
	}

	/** Returns where the locations came from, for messages. */
	String origin() {
		return this.origin;
	}

	/**
	 * Returns the locations for the engine: {@code file:} ones made absolute against the
	 * project folder.
	 */
	List<String> forEngine() {
		List<String> engine = new ArrayList<>();
		for (String location : this.locations) {
			String trimmed = location.trim();
			String path = filePath(trimmed);
			engine.add((path != null) ? "file:" + this.basedir.resolve(path).toAbsolutePath().normalize() : trimmed);
		}
		return engine;
	}

	/**
	 * Returns a class loader that sees only the project's resources folder, for
	 * {@code classpath:} locations.
	 */
	ClassLoader classLoader() throws MalformedURLException {
		URL url = this.resources.toUri().toURL();
		return new URLClassLoader(new URL[] { url }, null);
	}

	/**
	 * Returns the folder a location stands for in the project, where new migrations are
	 * written.
	 */
	Path folder(String location) {
		String trimmed = location.trim();
		String path = filePath(trimmed);
		if (path != null) {
			return this.basedir.resolve(path).normalize();
		}
		String classpath = trimmed.replaceFirst("^classpath\\*?:", "");
		return this.resources.resolve(classpath.replaceFirst("^/+", "")).normalize();
	}

	private static @Nullable String filePath(String location) {
		for (String prefix : List.of("filesystem:", "file:")) {
			if (location.startsWith(prefix)) {
				return location.substring(prefix.length());
			}
		}
		return null;
	}

	private static List<String> fromProperties(Path file) throws IOException {
		Properties properties = new Properties();
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			properties.load(reader);
		}
		String value = properties.getProperty("cairn.locations");
		if (value != null) {
			return split(value);
		}
		Map<Integer, String> indexed = new TreeMap<>();
		for (String key : properties.stringPropertyNames()) {
			if (key.matches("cairn\\.locations\\[\\d+]")) {
				indexed.put(Integer.parseInt(key.substring(16, key.length() - 1)), properties.getProperty(key));
			}
		}
		return new ArrayList<>(indexed.values());
	}

	private static List<String> fromYaml(Path file) throws IOException {
		Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
		try (InputStream in = Files.newInputStream(file)) {
			for (Object document : yaml.loadAll(in)) {
				Object value = null;
				if (document instanceof Map<?, ?> root) {
					value = root.get("cairn.locations");
					if (value == null && root.get("cairn") instanceof Map<?, ?> cairn) {
						value = cairn.get("locations");
					}
				}
				if (value instanceof List<?> list) {
					return list.stream().map(String::valueOf).toList();
				}
				if (value != null) {
					return split(String.valueOf(value));
				}
			}
		}
		return List.of();
	}

	private static List<String> split(String value) {
		List<String> parts = new ArrayList<>();
		for (String part : value.split(",")) {
			if (!part.isBlank()) {
				parts.add(part.strip());
			}
		}
		return parts;
	}

}
