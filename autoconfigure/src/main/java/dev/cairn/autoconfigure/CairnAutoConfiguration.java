package dev.cairn.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.cairn.core.JavaMigration;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.MigrationListeners;
import dev.cairn.core.MigrationSnapshot;
import dev.cairn.core.Migrator;
import dev.cairn.core.TenantMigrations;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for Cairn: migrates the database on startup, before anything that
 * uses it.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@Conditional(CairnAutoConfiguration.MigrationDataSourceCondition.class)
@ConditionalOnBooleanProperty(name = "cairn.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CairnProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
@ImportRuntimeHints(CairnRuntimeHints.class)
public final class CairnAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MigrationSnapshot cairnMigrationSnapshot() {
		return new MigrationSnapshot();
	}

	@Bean
	@ConditionalOnMissingBean
	Migrator cairnMigrator(CairnProperties properties, ObjectProvider<DataSource> dataSource,
			@CairnDataSource ObjectProvider<DataSource> cairnDataSource, ObjectProvider<MigrationListener> listeners,
			ObjectProvider<JavaMigration> javaMigrations) {
		DataSource migrationDataSource = migrationDataSource(properties, cairnDataSource.getIfAvailable(),
				dataSource.getIfUnique());
		List<MigrationListener> all = new ArrayList<>();
		all.add(new LoggingMigrationListener());
		listeners.orderedStream().forEach(all::add);
		return new Migrator(migrationDataSource, properties.toSettings(), MigrationListeners.of(all),
				javaMigrations.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	MigrationInitializer cairnMigrationInitializer(Migrator migrator, CairnProperties properties,
			ObjectProvider<ApplicationStartup> applicationStartup, ObjectProvider<TenantMigrations> tenants) {
		return new MigrationInitializer(migrator, properties.getMode(),
				applicationStartup.getIfAvailable(() -> ApplicationStartup.DEFAULT), tenants.getIfAvailable());
	}

	static DataSource migrationDataSource(CairnProperties properties, @Nullable DataSource cairnDataSource,
			@Nullable DataSource dataSource) {
		if (cairnDataSource != null) {
			return cairnDataSource;
		}
		// Not pooled: the engine needs two connections at once (the lock and the work),
		// then none.
		if (StringUtils.hasText(properties.getUrl())) {
			return DataSourceBuilder.create()
				.type(SimpleDriverDataSource.class)
				.url(properties.getUrl())
				.username(properties.getUser())
				.password(properties.getPassword())
				.build();
		}
		Assert.state(dataSource != null, "Cairn found no DataSource to migrate: define one, set cairn.url, or qualify"
				+ " one with @CairnDataSource");
		if (StringUtils.hasText(properties.getUser())) {
			return DataSourceBuilder.derivedFrom(dataSource)
				.type(SimpleDriverDataSource.class)
				.username(properties.getUser())
				.password(properties.getPassword())
				.build();
		}
		return dataSource;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		CairnMetrics cairnMetrics(MeterRegistry meterRegistry, MigrationSnapshot snapshot, CairnProperties properties) {
			return new CairnMetrics(meterRegistry, snapshot, properties.getTenants().getMetricsTagLimit());
		}

	}

	static final class MigrationDataSourceCondition extends AnyNestedCondition {

		MigrationDataSourceCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnSingleCandidate(DataSource.class)
		private static final class SingleDataSourceCondition {

		}

		@ConditionalOnBean(annotation = CairnDataSource.class)
		private static final class CairnDataSourceBeanCondition {

		}

		@ConditionalOnProperty("cairn.url")
		private static final class CairnUrlCondition {

		}

	}

}
