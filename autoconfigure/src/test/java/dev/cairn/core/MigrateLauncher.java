package dev.cairn.core;

import java.time.Duration;
import java.util.List;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A separate JVM that runs one migration, for the tests that start several instances at
 * once or kill one: it migrates, prints every listener call on a line of its own, and
 * exits 0 on success, 1 on a failed run.
 * <p>
 * With {@code -Dcairn.test.startFile=PATH} it prints {@code ready} and waits for that
 * file before it connects. Arguments: the JDBC URL (with credentials and any
 * {@code options}), the location, the instance name (its {@code application_name}).
 */
public final class MigrateLauncher {

	private MigrateLauncher() {
	}

	public static void main(String[] args) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(args[0]);
		dataSource.setApplicationName(args[2]);
		MigrationListener listener = new MigrationListener() {

			@Override
			public void lockWaiting(LockHolder holder, Duration waited) {
				System.out.println("lockWaiting pid=" + holder.pid() + " application_name=" + holder.applicationName()
						+ " waited=" + waited.toMillis() + "ms holder: " + holder.describe().replace('\n', ' '));
			}

			@Override
			public void migrationApplied(MigrateResult.Applied applied) {
				System.out.println("applied " + applied.script());
			}

			@Override
			public void runFinished(MigrateResult result) {
				System.out.println("finished applied=" + result.applied().size() + " lockWait="
						+ result.lockWait().toMillis() + "ms");
			}

		};
		System.out.println("started " + args[2]);
		awaitStartFile();
		try {
			new Migrator(dataSource, MigratorSettings.builder().locations(args[1]).build(), listener, List.of())
				.migrate();
		}
		catch (MigrationException ex) {
			System.out.println("failed: " + ex.getMessage());
			System.exit(1);
		}
		System.exit(0);
	}

	/**
	 * Waits until the file named by {@code cairn.test.startFile} exists, when it is set:
	 * the tests start every JVM first, then let them all go at once.
	 */
	private static void awaitStartFile() {
		String startFile = System.getProperty("cairn.test.startFile");
		if (startFile == null) {
			return;
		}
		System.out.println("ready");
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (!java.nio.file.Files.exists(java.nio.file.Path.of(startFile))) {
			if (System.nanoTime() > deadline) {
				System.out.println("failed: the start file " + startFile + " never appeared");
				System.exit(2);
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				System.exit(2);
			}
		}
	}

}
