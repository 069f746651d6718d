package dev.cairn.core;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Finds the migration files in the configured locations and refuses anything it cannot read as one: a name that
 * does not parse, two files with one version, text that is not UTF-8.
 */
final class MigrationSource {

	private static final Pattern VERSIONED = Pattern.compile("(\\d+(?:\\.\\d+)*)_(.+?)(\\.up|\\.down)?\\.sql");

	private static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql");

	private static final String EXPECTED_FORM = "<version>_<description>.sql (also .up.sql and .down.sql), "
			+ "for example 001_initial_schema.sql, or R__<description>.sql for a repeatable migration";

	private final List<String> locations;

	private final List<JavaMigration> javaMigrations;

	private final ResourcePatternResolver resolver;

	MigrationSource(List<String> locations, List<JavaMigration> javaMigrations, @Nullable ClassLoader classLoader) {
		this.locations = locations;
		this.javaMigrations = javaMigrations;
		this.resolver = new PathMatchingResourcePatternResolver(classLoader);
	}

	/**
	 * Resolves every migration file and Java migration: versioned ones in version order, then repeatable ones by
	 * name.
	 * @return the migrations
	 */
	List<ResolvedMigration> resolve() {
		Map<MigrationVersion, ResolvedMigration> ups = new HashMap<>();
		Map<MigrationVersion, ResolvedMigration> downs = new HashMap<>();
		Map<String, ResolvedMigration> repeatables = new HashMap<>();
		Set<String> seen = new HashSet<>();
		Map<ResolvedMigration, String> places = new IdentityHashMap<>();
		for (String location : this.locations) {
			List<String> roots = roots(location);
			for (Resource resource : scan(location)) {
				if (!seen.add(uri(resource))) {
					continue;
				}
				ResolvedMigration migration = read(resource, location);
				String subfolder = subfolder(uri(resource), roots);
				places.put(migration, subfolder.isEmpty() ? location : location.replaceAll("/+$", "") + subfolder);
				if (migration.repeatable()) {
					putUnique(repeatables, migration.description(), migration, "repeatable migration", places);
				}
				else if (migration.type() == MigrationType.ROLLBACK) {
					putUnique(downs, migration.version(), migration, "down file for version", places);
				}
				else {
					putUnique(ups, migration.version(), migration, "version", places);
				}
			}
		}
		for (JavaMigration java : this.javaMigrations) {
			ResolvedMigration migration = ResolvedMigration.of(java);
			putUnique(ups, migration.version(), migration, "version", places);
		}
		List<ResolvedMigration> versioned = new ArrayList<>();
		for (ResolvedMigration up : ups.values()) {
			ResolvedMigration down = downs.remove(up.version());
			versioned.add((down != null) ? withDown(up, down) : up);
		}
		if (!downs.isEmpty()) {
			ResolvedMigration orphan = downs.values().iterator().next();
			throw new MigrationException("Down file " + orphan.script() + " in " + orphan.location()
					+ " has no migration to undo: no file has version " + orphan.version()
					+ ". Rename it to match its migration (for example " + orphan.version() + "_"
					+ orphan.description().replace(' ', '_') + ".sql and its .down.sql twin) or remove it.",
					orphan.script(), null, 0, 0, null);
		}
		versioned.sort(Comparator.comparing(ResolvedMigration::version));
		List<ResolvedMigration> repeatable = new ArrayList<>(repeatables.values());
		repeatable.sort(Comparator.comparing(ResolvedMigration::description));
		versioned.addAll(repeatable);
		return versioned;
	}

	private static ResolvedMigration withDown(ResolvedMigration up, ResolvedMigration down) {
		return new ResolvedMigration(up.version(), up.description(), up.type(), up.script(), up.location(), up.text(),
				up.checksum(), down, null);
	}

	/**
	 * Adds a migration under its key, refusing a second one; the message names where each file is, down to the
	 * subfolder of its location ({@code places}), so that two files of the same name can be told apart.
	 */
	private static <K> void putUnique(Map<K, ResolvedMigration> map, K key, ResolvedMigration migration, String what,
			Map<ResolvedMigration, String> places) {
		ResolvedMigration earlier = map.putIfAbsent(key, migration);
		if (earlier != null) {
			String fix = migration.repeatable() ? "Rename one of them."
					: "Versions compare as numbers, so 001 and 1 are the same; give one of them the next free version.";
			throw new MigrationException("Two files have the same " + what + " " + key + ": " + earlier.script()
					+ " (in " + places.getOrDefault(earlier, earlier.location()) + ") and " + migration.script()
					+ " (in " + places.getOrDefault(migration, migration.location())
					+ "). " + fix, migration.script(), null, 0, 0, null);
		}
	}

	private List<Resource> scan(String location) {
		String base = normalise(location);
		try {
			checkWalkable(location, base);
			List<Resource> found = new ArrayList<>();
			for (Resource resource : this.resolver.getResources(base + "/**/*")) {
				String name = resource.getFilename();
				if (name != null && name.toLowerCase(Locale.ROOT).endsWith(".sql")) {
					if (isDirectory(resource)) {
						throw new MigrationException("Migration location " + location + " holds a folder named "
								+ name + " (" + resource.getDescription() + "), which looks like a migration but "
								+ "is not a file. Rename the folder so that its name does not end in .sql.", name,
								null, 0, 0, null);
					}
					found.add(resource);
				}
			}
			if (found.isEmpty() && !exists(base)) {
				throw new MigrationException("Migration location " + location + " does not exist. Create it and put "
						+ "your migrations there (for the default, src/main/resources/db/migrations/), or point "
						+ "cairn.locations at the folder that holds them.");
			}
			return found;
		}
		catch (IOException ex) {
			throw new MigrationException("Cannot list migration location " + location + ": " + ex.getMessage()
					+ ". Check that it exists and can be read.", null, null, 0, 0, ex);
		}
	}

	private List<String> roots(String location) {
		List<String> roots = new ArrayList<>();
		try {
			for (Resource root : this.resolver.getResources(normalise(location))) {
				String uri = uri(root);
				roots.add(uri.endsWith("/") ? uri : uri + "/");
			}
		}
		catch (IOException ex) {
			// Only for messages: without the roots they name the location without the subfolder.
		}
		return roots;
	}

	/**
	 * Returns the folder below the location that holds a file ({@code /a/b}, or empty at the top), so that messages
	 * about two files of the same name in different subfolders tell them apart.
	 */
	private static String subfolder(String uri, List<String> roots) {
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
	 * Walks the folders of a file system location the way the resolver does, following links, because the resolver
	 * only logs a folder it cannot walk (a symbolic link loop, a folder it may not read) and then finds nothing
	 * there, which would read as a location without pending migrations.
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
				String reason = (cause instanceof FileSystemLoopException) ? "the symbolic link " + cause.getMessage()
						+ " points back to a folder that contains it" : cause.getClass().getSimpleName() + ": "
								+ cause.getMessage();
				throw new MigrationException("Cannot list migration location " + location + ": " + reason + ". "
						+ "Remove the link or make the folder readable; Cairn refuses to run with a location it "
						+ "cannot read completely, since it would miss migrations.", null, null, 0, 0, cause);
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

	private static String uri(Resource resource) {
		try {
			return resource.getURI().normalize().toString();
		}
		catch (IOException ex) {
			return resource.getDescription();
		}
	}

	private static ResolvedMigration read(Resource resource, String location) {
		String name = resource.getFilename();
		if (name == null) {
			throw new MigrationException("A resource in " + location + " has no file name: " + resource);
		}
		Matcher repeatable = REPEATABLE.matcher(name);
		Matcher versioned = VERSIONED.matcher(name);
		if (repeatable.matches()) {
			String description = repeatable.group(1);
			if (describe(description).isEmpty()) {
				throw badName(name, location, null);
			}
			if (description.endsWith(".down") || description.endsWith(".up")) {
				throw badName(name, location, "repeatable migrations are re-applied when they change and have no "
						+ "up or down variants");
			}
			byte[] bytes = bytes(resource, name, location);
			String text = decode(bytes, name);
			return new ResolvedMigration(null, describe(description), MigrationType.REPEATABLE, name, location, text,
					checksum(bytes, text), null, null);
		}
		if (!versioned.matches() || describe(versioned.group(2)).isEmpty()) {
			throw badName(name, location, null);
		}
		MigrationVersion version = MigrationVersion.parse(versioned.group(1));
		byte[] bytes = bytes(resource, name, location);
		String text = decode(bytes, name);
		MigrationType type;
		if (".down".equals(versioned.group(3))) {
			type = MigrationType.ROLLBACK;
		}
		else {
			type = hasNoTransactionDirective(text) ? MigrationType.SQL_NO_TX : MigrationType.SQL;
		}
		return new ResolvedMigration(version, describe(versioned.group(2)), type, name, location, text,
				checksum(bytes, text), null, null);
	}

	private static MigrationException badName(String name, String location, @Nullable String reason) {
		return new MigrationException("Migration file " + name + " in " + location + " does not have a migration name"
				+ ((reason != null) ? " (" + reason + ")" : "") + ". Rename it to " + EXPECTED_FORM
				+ "; every .sql file in a migration location must be a migration.", name, null, 0, 0, null);
	}

	private static String describe(String raw) {
		return raw.replace('_', ' ').trim();
	}

	/**
	 * Tells whether the comment lines at the top of a file carry {@code -- cairn:no-transaction}; a cheap look that
	 * decides the type shown for a pending file without lexing it.
	 */
	static boolean hasNoTransactionDirective(String text) {
		int start = 0;
		while (start < text.length()) {
			int end = text.indexOf('\n', start);
			String line = text.substring(start, (end < 0) ? text.length() : end).strip();
			if (!line.isEmpty() && !line.startsWith("--")) {
				return false;
			}
			if (line.replace(" ", "").equalsIgnoreCase("--cairn:no-transaction")) {
				return true;
			}
			if (end < 0) {
				return false;
			}
			start = end + 1;
		}
		return false;
	}

	private static byte[] bytes(Resource resource, String name, String location) {
		try (InputStream in = resource.getInputStream()) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			String reason = (ex instanceof NoSuchFileException || ex instanceof FileNotFoundException)
					? "it cannot be opened (a broken symbolic link?)"
					: (ex instanceof AccessDeniedException) ? "permission denied" : ex.getMessage();
			throw new MigrationException("Cannot read migration " + name + " in " + location + ": " + reason
					+ ". Check the file and its permissions.", name, null, 0, 0, ex);
		}
	}

	static String decode(byte[] bytes, String name) {
		int start = (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
				&& (bytes[2] & 0xFF) == 0xBF) ? 3 : 0;
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		ByteBuffer input = ByteBuffer.wrap(bytes, start, bytes.length - start);
		CharBuffer output = CharBuffer.allocate(bytes.length);
		var result = decoder.decode(input, output, true);
		if (result.isError()) {
			int bad = input.position();
			int line = 1;
			for (int i = start; i < bad; i++) {
				if (bytes[i] == '\n') {
					line++;
				}
			}
			throw new MigrationException("Migration " + name + " is not valid UTF-8: byte 0x"
					+ HexFormat.of().toHexDigits(bytes[bad]) + " at line " + line + " (byte offset " + bad
					+ "). Save the file as UTF-8.", name, null, line, 0, null);
		}
		decoder.flush(output);
		String text = output.flip().toString();
		int nul = text.indexOf('\0');
		if (nul >= 0) {
			int line = 1;
			for (int i = 0; i < nul; i++) {
				if (text.charAt(i) == '\n') {
					line++;
				}
			}
			throw new MigrationException("Migration " + name + " contains a NUL byte at line " + line
					+ "; PostgreSQL cannot take NUL in SQL text. Remove it (the file may be binary or UTF-16).",
					name, null, line, 0, null);
		}
		return text;
	}

	/**
	 * Computes the checksum of a file's text, normalised so that it survives checkouts: CRLF and CR read as LF, and
	 * whitespace at the end of each line ignored.
	 * @param text the decoded text, BOM already stripped
	 * @return {@code sha256:} followed by the hex digest
	 */
	static String checksum(byte[] bytes, String text) {
		return alreadyNormal(bytes) ? "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes)) : checksum(text);
	}

	/**
	 * Tells whether normalising would leave the file's bytes as they are: no BOM, no CR, and no whitespace at the
	 * end of a line; then the checksum is the digest of the bytes themselves, without building the normalised text.
	 * A line ending in a non-ASCII character takes the slow path, which knows every Unicode space.
	 */
	private static boolean alreadyNormal(byte[] bytes) {
		if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF) {
			return false;
		}
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == '\r' || (bytes[i] == '\n' && i > 0 && lineEndIsDirty(bytes[i - 1]))) {
				return false;
			}
		}
		return bytes.length == 0 || bytes[bytes.length - 1] == '\n' || !lineEndIsDirty(bytes[bytes.length - 1]);
	}

	private static boolean lineEndIsDirty(byte last) {
		return last < 0 || last == ' ' || last == '\t' || last == 0x0B || last == '\f'
				|| (last >= 0x1C && last <= 0x1F);
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String checksum(String text) {
		MessageDigest digest = sha256();
		StringBuilder normalised = new StringBuilder(text.length());
		int length = text.length();
		int lineStart = 0;
		for (int i = 0; i <= length; i++) {
			char c = (i < length) ? text.charAt(i) : '\n';
			if (c == '\r' || c == '\n' || i == length) {
				int end = i;
				while (end > lineStart && Character.isWhitespace(text.charAt(end - 1))) {
					end--;
				}
				normalised.append(text, lineStart, end);
				if (i < length) {
					normalised.append('\n');
				}
				if (c == '\r' && i + 1 < length && text.charAt(i + 1) == '\n') {
					i++;
				}
				lineStart = i + 1;
			}
		}
		byte[] hash = digest.digest(normalised.toString().getBytes(StandardCharsets.UTF_8));
		return "sha256:" + HexFormat.of().formatHex(hash);
	}

}
