package dev.cairn.autoconfigure;

import dev.cairn.actuate.MigrationsEndpoint;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.Migrator;
import dev.cairn.core.TenantMigrations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@code migrations} Actuator endpoint.
 */
@AutoConfiguration(after = CairnAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnAvailableEndpoint(MigrationsEndpoint.class)
public final class CairnEndpointAutoConfiguration {

	@Bean
	@ConditionalOnBean({ MigrationSnapshot.class, Migrator.class })
	@ConditionalOnMissingBean
	MigrationsEndpoint migrationsEndpoint(MigrationSnapshot snapshot, Migrator migrator,
			ObjectProvider<TenantMigrations> tenants) {
		return new MigrationsEndpoint(snapshot, migrator, tenants.getIfAvailable());
	}

}
