package dev.cairn.core;

import java.util.List;
import java.util.stream.IntStream;

import org.postgresql.ds.PGSimpleDataSource;

import dev.cairn.core.TenantSettings.OnError;

/**
 * A separate JVM that migrates a fleet of tenants {@code t01 ... tNN}, for the test that
 * kills one mid-run.
 * <p>
 * Arguments: the JDBC URL (with credentials), the tenants' location, the number of
 * tenants, the parallelism.
 */
public final class FleetLauncher {

	private FleetLauncher() {
	}

	public static void main(String[] args) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setUrl(args[0]);
		List<String> tenants = IntStream.rangeClosed(1, Integer.parseInt(args[2]))
			.mapToObj("t%02d"::formatted)
			.toList();
		System.out.println("started");
		new TenantMigrations(dataSource, MigratorSettings.defaults(),
				new TenantSettings(List.of(args[1]), Integer.parseInt(args[3]), OnError.FAIL, null),
				TenantSource.of(tenants))
			.migrateAll();
		System.exit(0);
	}

}
