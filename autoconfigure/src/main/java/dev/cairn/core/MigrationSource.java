package dev.cairn.core;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.Resource;

/**
 * Finds the migration files in the configured locations and refuses anything it cannot
 * read as one: a name that does not parse, two files with one version, text that is not
 * UTF-8.
 */
final class MigrationSource {

	private final List<String> locations;

	private final List<JavaMigration> javaMigrations;

	private final MigrationLocations folders;

	MigrationSource(List<String> locations, List<JavaMigration> javaMigrations, @Nullable ClassLoader classLoader) {
		this.locations = locations;
		this.javaMigrations = javaMigrations;
		this.folders = new MigrationLocations(classLoader);
	}

	List<JavaMigration> javaMigrations() {
		return this.javaMigrations;
	}

	/**
	 * Resolves every migration file and Java migration: versioned ones in version order,
	 * then repeatable ones by name.
	 * @return the migrations
	 */
	List<ResolvedMigration> resolve() {
		return resolveAll().migrations();
	}

	/**
	 * Resolves every migration file, Java migration and callback file.
	 * @return the migrations, versioned ones in version order then repeatable ones by
	 * name, and the callbacks in file-name order
	 */
	Resolved resolveAll() {
		List<SqlCallback> callbacks = new ArrayList<>();
		Map<MigrationVersion, ResolvedMigration> ups = new HashMap<>();
		Map<MigrationVersion, ResolvedMigration> downs = new HashMap<>();
		Map<String, ResolvedMigration> repeatables = new HashMap<>();
		Set<String> seen = new HashSet<>();
		Map<ResolvedMigration, String> places = new IdentityHashMap<>();
		for (String location : this.locations) {
			MigrationLocations.Listing listing = this.folders.scan(location);
			for (MigrationLocations.Found found : listing.files()) {
				if (!seen.add(found.uri())) {
					continue;
				}
				String name = found.name();
				SqlCallback.Event event = SqlCallback.eventOf(name);
				if (event != null) {
					callbacks.add(new SqlCallback(event, name, location,
							MigrationText.decode(bytes(found.resource(), name, location), name)));
					continue;
				}
				ResolvedMigration migration = read(found.resource(), name, location, listing.confs().get(found.uri()));
				String subfolder = MigrationLocations.subfolder(found.uri(), listing.roots());
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
			throw MigrationException.inFile(orphan.script(),
					"Down file " + orphan.script() + " in " + orphan.location()
							+ " has no migration to undo: no file has version " + orphan.version()
							+ ". Rename it to match its migration (for example " + orphan.version() + "_"
							+ orphan.description().replace(' ', '_') + ".sql and its .down.sql twin) or remove it.",
					null);
		}
		versioned.sort(Comparator.comparing(ResolvedMigration::version));
		List<ResolvedMigration> repeatable = new ArrayList<>();
		boolean flywayProject = versioned.stream().anyMatch((migration) -> migration.flyway() != null);
		for (ResolvedMigration migration : repeatables.values()) {
			// Flyway's R__ files are Cairn's too; beside Flyway's V files they run as
			// Flyway runs them.
			repeatable.add((flywayProject && migration.flyway() == null) ? asFlyway(migration) : migration);
		}
		repeatable.sort(Comparator.comparing(ResolvedMigration::description));
		versioned.addAll(repeatable);
		callbacks.sort(Comparator.comparing(SqlCallback::script));
		return new Resolved(versioned, callbacks);
	}

	private static ResolvedMigration withDown(ResolvedMigration up, ResolvedMigration down) {
		return new ResolvedMigration(up.version(), up.description(), up.type(), up.script(), up.location(), up.text(),
				up.checksum(), down, null, up.flyway());
	}

	private static ResolvedMigration asFlyway(ResolvedMigration migration) {
		return new ResolvedMigration(migration.version(), migration.description(), migration.type(), migration.script(),
				migration.location(), migration.text(), migration.checksum(), migration.down(), null,
				FlywayFile.read(migration.script(), null, migration.text()));
	}

	/**
	 * Adds a migration under its key, refusing a second one; the message names where each
	 * file is, down to the subfolder of its location ({@code places}), so that two files
	 * of the same name can be told apart.
	 */
	private static <K> void putUnique(Map<K, ResolvedMigration> map, K key, ResolvedMigration migration, String what,
			Map<ResolvedMigration, String> places) {
		ResolvedMigration earlier = map.putIfAbsent(key, migration);
		if (earlier != null) {
			String fix = migration.repeatable() ? "Rename one of them."
					: "Versions compare as numbers, so 001 and 1 are the same; give one of them the next free version.";
			throw MigrationException.inFile(migration.script(),
					"Two files have the same " + what + " " + key + ": " + earlier.script() + " (in "
							+ places.getOrDefault(earlier, earlier.location()) + ") and " + migration.script() + " (in "
							+ places.getOrDefault(migration, migration.location()) + "). " + fix,
					null);
		}
	}

	private static ResolvedMigration read(Resource resource, String name, String location,
			@Nullable Resource confFile) {
		MigrationFileName parsed = MigrationFileName.parse(name, location);
		byte[] bytes = bytes(resource, name, location);
		String text = MigrationText.decode(bytes, name);
		byte[] conf = (confFile != null) ? bytes(confFile, name + ".conf", location) : null;
		FlywayFile flyway = (parsed.flyway() || conf != null) ? FlywayFile.read(name, conf, text) : null;
		boolean noTransaction = Directives.noTransaction(text)
				|| (flyway != null && Boolean.FALSE.equals(flyway.executeInTransaction()));
		MigrationType type = switch (parsed.kind()) {
			case REPEATABLE -> MigrationType.REPEATABLE;
			case DOWN -> MigrationType.ROLLBACK;
			case VERSIONED -> noTransaction ? MigrationType.SQL_NO_TX : MigrationType.SQL;
		};
		return new ResolvedMigration(parsed.version(), parsed.description(), type, name, location, text,
				MigrationText.checksum(bytes, text), null, null, flyway);
	}

	private static byte[] bytes(Resource resource, String name, String location) {
		try {
			if (resource.isFile()) {
				// Sized from the file: reading a stream to its end would hold its bytes
				// twice.
				return Files.readAllBytes(resource.getFile().toPath());
			}
			try (InputStream in = resource.getInputStream()) {
				return in.readAllBytes();
			}
		}
		catch (IOException ex) {
			String reason = (ex instanceof NoSuchFileException || ex instanceof FileNotFoundException)
					? "it cannot be opened (a broken symbolic link?)"
					: (ex instanceof AccessDeniedException) ? "permission denied" : ex.getMessage();
			throw MigrationException.inFile(name, "Cannot read migration " + name + " in " + location + ": " + reason
					+ ". Check the file and its permissions.", ex);
		}
	}

	/**
	 * What the locations hold.
	 *
	 * @param migrations the migrations
	 * @param callbacks the callback files
	 */
	record Resolved(List<ResolvedMigration> migrations, List<SqlCallback> callbacks) {

		List<SqlCallback> callbacks(SqlCallback.Event event) {
			return this.callbacks.stream().filter((callback) -> callback.event() == event).toList();
		}

	}

}
