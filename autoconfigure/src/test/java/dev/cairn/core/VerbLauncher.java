package dev.cairn.core;

import java.util.List;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A separate JVM that runs one verb other than migrate, for the tests that kill it
 * midway: it prints what it did and exits 0 on success, 1 on a failed run.
 * <p>
 * Arguments: the JDBC URL (with credentials and any {@code options}), the location, the
 * instance name (its {@code application_name}), and the verb: {@code rollback:<version>}.
 */
public final class VerbLauncher {

	private VerbLauncher() {
	}

	public static void main(String[] args) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(args[0]);
		dataSource.setApplicationName(args[2]);
		Migrator migrator = new Migrator(dataSource, MigratorSettings.builder().locations(args[1]).build(),
				MigrationListener.NONE, List.of());
		System.out.println("started " + args[2]);
		try {
			if (!args[3].startsWith("rollback:")) {
				throw new IllegalArgumentException("Unknown verb " + args[3]);
			}
			MigrateResult result = migrator.rollback(args[3].substring("rollback:".length()));
			System.out.println("rolled back " + result.applied().size());
		}
		catch (MigrationException ex) {
			System.out.println("failed: " + ex.getMessage());
			System.exit(1);
		}
		System.exit(0);
	}

}
