package dev.cairn.autoconfigure;

import dev.cairn.core.Migrator;
import dev.cairn.core.TenantMigrations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for
 * {@code java -jar app.jar --cairn.command=status|migrate|validate|plan|rollback|baseline|repair}:
 * runs the command instead of the application and exits. It applies also when Cairn
 * itself backed off, so that the command explains why it cannot run instead of exiting
 * silently.
 */
@AutoConfiguration(after = CairnAutoConfiguration.class)
@ConditionalOnProperty("cairn.command")
@EnableConfigurationProperties(CairnProperties.class)
public final class CairnCommandAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MigrationCommandRunner cairnCommandRunner(CairnProperties properties, ObjectProvider<Migrator> migrator,
			ObjectProvider<TenantMigrations> tenants) {
		return new MigrationCommandRunner(new MigrationCommand(properties, migrator::getIfAvailable,
				tenants::getIfAvailable, System.out, System.err));
	}

}
