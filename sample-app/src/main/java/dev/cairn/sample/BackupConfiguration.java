package dev.cairn.sample;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The backup before migrating, when {@code vega.backup.folder} names where the dumps go;
 * {@code vega.backup.pg-dump} names the program when it is not {@code pg_dump} on the
 * PATH. Cairn hands every {@code MigrationListener} bean its events.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("vega.backup.folder")
class BackupConfiguration {

	@Bean
	DatabaseBackup databaseBackup(DataSource dataSource, @Value("${vega.backup.folder}") Path folder,
			@Value("${vega.backup.pg-dump:pg_dump}") String pgDump) {
		return new DatabaseBackup(dataSource, folder, pgDump);
	}

}
