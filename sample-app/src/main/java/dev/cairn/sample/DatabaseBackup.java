package dev.cairn.sample;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.MigrationStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Takes a {@code pg_dump} of the database before a run that has migrations to apply, as
 * the team's runbook asks before every production migration: one custom-format file per
 * run in {@code vega.backup.folder}, named after the database, the time and the version
 * it was at. Cairn calls it under the migration lock, so the dump is the schema and data
 * just before the first change. Without {@code pg_dump} on the machine it logs a warning
 * and the run goes on, as it does when the dump fails; a deploy that must not go on
 * without a backup takes it in the deploy job instead.
 */
class DatabaseBackup implements MigrationListener {

	private static final Log logger = LogFactory.getLog(DatabaseBackup.class);

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final DataSource dataSource;

	private final Path folder;

	private final String pgDump;

	DatabaseBackup(DataSource dataSource, Path folder, String pgDump) {
		this.dataSource = dataSource;
		this.folder = folder;
		this.pgDump = pgDump;
	}

	@Override
	public void beforeApplying(MigrationStatus status) {
		try {
			Target target = target();
			String version = (status.current() != null) ? "v" + status.current() : "empty";
			Path file = this.folder
				.resolve(target.database() + "-" + STAMP.format(Instant.now()) + "-" + version + ".dump");
			Files.createDirectories(this.folder);
			List<String> command = new ArrayList<>(List.of(this.pgDump, "--format=custom", "--file=" + file, "--host",
					target.host(), "--port", String.valueOf(target.port()), "--dbname", target.database()));
			if (target.user() != null) {
				command.addAll(List.of("--username", target.user()));
			}
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			if (target.password() != null) {
				builder.environment().put("PGPASSWORD", target.password());
			}
			long start = System.nanoTime();
			Process process;
			try {
				process = builder.start();
			}
			catch (IOException ex) {
				logger.warn("Skipping the backup before migrating: " + this.pgDump + " could not be started ("
						+ ex.getMessage() + "). Install PostgreSQL's client programs (apt-get install "
						+ "postgresql-client) or point vega.backup.pg-dump at pg_dump.");
				return;
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
				logger.error("The backup before migrating failed; the migrations run anyway. pg_dump said: " + output);
				return;
			}
			logger.info("Backed up " + target.database() + " (at " + version + ", " + status.pending().size()
					+ " migration(s) about to run) to " + file + " in "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
		}
		catch (IOException | SQLException ex) {
			logger.error("The backup before migrating failed; the migrations run anyway: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Target target() throws SQLException {
		String url;
		String user;
		try (Connection connection = this.dataSource.getConnection()) {
			url = connection.getMetaData().getURL();
			user = connection.getMetaData().getUserName();
		}
		String password = (this.dataSource instanceof HikariDataSource hikari) ? hikari.getPassword() : null;
		URI uri = URI.create(url.substring("jdbc:".length()));
		String path = uri.getPath();
		return new Target(uri.getHost(), (uri.getPort() != -1) ? uri.getPort() : 5432, path.substring(1), user,
				password);
	}

	private record Target(String host, int port, String database, String user, String password) {
	}

}
