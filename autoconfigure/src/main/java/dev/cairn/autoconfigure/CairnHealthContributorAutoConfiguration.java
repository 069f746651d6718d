package dev.cairn.autoconfigure;

import dev.cairn.actuate.CairnHealthIndicator;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.TenantMigrations;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@code cairn} health indicator.
 */
@AutoConfiguration(after = CairnAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(MigrationSnapshot.class)
@ConditionalOnEnabledHealthIndicator("cairn")
public final class CairnHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "cairnHealthIndicator")
	CairnHealthIndicator cairnHealthIndicator(MigrationSnapshot snapshot, ObjectProvider<TenantMigrations> tenants) {
		return new CairnHealthIndicator(snapshot, tenants.getIfAvailable());
	}

}
