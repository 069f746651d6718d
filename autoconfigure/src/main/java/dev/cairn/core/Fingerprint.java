package dev.cairn.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The digest behind {@link Migrator#fingerprint()}: every part is written with its
 * length, so that no two different inputs run together into the same bytes.
 */
final class Fingerprint {

	private final MessageDigest digest;

	private Fingerprint() {
		try {
			this.digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

	static String of(MigrationSource.Resolved resolved, MigratorSettings settings) {
		Fingerprint fingerprint = new Fingerprint();
		fingerprint.add("table", settings.table())
			.add("schema", settings.schema())
			.add("target", settings.target())
			.add("baseline", settings.baselineVersion());
		for (Map.Entry<String, String> placeholder : new TreeMap<>(settings.placeholders()).entrySet()) {
			fingerprint.add("placeholder", placeholder.getKey()).add("value", placeholder.getValue());
		}
		for (ResolvedMigration migration : resolved.migrations()) {
			fingerprint.add("migration", migration.script())
				.add("version", (migration.version() != null) ? migration.version().toString() : null)
				.add("type", migration.type().name())
				.add("checksum", migration.checksum())
				.add("class", (migration.java() != null) ? migration.java().getClass().getName() : null)
				.add("flyway", String.valueOf(migration.flyway()));
		}
		for (SqlCallback callback : resolved.callbacks()) {
			fingerprint.add("callback", callback.script()).add("text", callback.text());
		}
		StringBuilder hex = new StringBuilder();
		for (byte b : fingerprint.digest.digest()) {
			hex.append(String.format("%02x", b));
		}
		return hex.toString();
	}

	private Fingerprint add(String label, @Nullable String value) {
		String part = label + "=" + ((value != null) ? value.length() + ":" + value : "-") + "\n";
		this.digest.update(part.getBytes(StandardCharsets.UTF_8));
		return this;
	}

}
