package dev.cairn.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import dev.cairn.core.MigrationListeners;
import dev.cairn.core.Migrator;
import dev.cairn.core.TenantDatabases;
import dev.cairn.core.TenantListeners;
import dev.cairn.core.TenantMigrations;
import dev.cairn.core.TenantSettings;
import dev.cairn.core.TenantSource;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.StringUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for a fleet of tenants, schemas of the main database or databases
 * of their own: when {@code cairn.tenants.schemas} or {@code cairn.tenants.query} is set,
 * or a {@link TenantSource} bean exists, every tenant is migrated on startup after the
 * main schema.
 */
@AutoConfiguration(after = CairnAutoConfiguration.class)
@ConditionalOnBean(Migrator.class)
@Conditional(CairnTenantAutoConfiguration.TenantsCondition.class)
public final class CairnTenantAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TenantMigrations cairnTenantMigrations(CairnProperties properties, ObjectProvider<TenantSource> tenantSource,
			ObjectProvider<DataSource> dataSource, @CairnDataSource ObjectProvider<DataSource> cairnDataSource,
			ObjectProvider<TenantListeners> tenantListeners, Environment environment) {
		DataSource migrationDataSource = CairnAutoConfiguration.migrationDataSource(properties,
				cairnDataSource.getIfAvailable(), dataSource.getIfUnique());
		CairnProperties.Tenants tenants = properties.getTenants();
		TenantSettings settings = tenants.toSettings(defaultParallelism(migrationDataSource),
				environment.getProperty("JOB_COMPLETION_INDEX"));
		TenantSource source = tenantSource.getIfAvailable(() -> fromProperties(tenants, migrationDataSource));
		List<TenantListeners> listeners = tenantListeners.orderedStream().toList();
		TenantDatabases databases = databases(migrationDataSource);
		if (StringUtils.hasText(tenants.getTemplateDatabase())) {
			databases = databases.clonedFrom(tenants.getTemplateDatabase().strip());
		}
		return new TenantMigrations(migrationDataSource, properties.toSettings(), settings, source, databases,
				(tenant, fleetSize) -> MigrationListeners
					.of(listeners.stream().map((each) -> each.listener(tenant, fleetSize)).toList()));
	}

	/**
	 * Returns the tenant databases, reached with the migration DataSource's user and
	 * password (cairn.user and cairn.password when set), each run on connections of its
	 * own.
	 */
	static TenantDatabases databases(DataSource migrationDataSource) {
		return (url) -> DataSourceBuilder.derivedFrom(migrationDataSource)
			.type(SimpleDriverDataSource.class)
			.url(url)
			.build();
	}

	private static TenantSource fromProperties(CairnProperties.Tenants tenants, DataSource dataSource) {
		List<String> schemas = List.copyOf(tenants.getSchemas());
		String query = tenants.getQuery();
		if (!StringUtils.hasText(query)) {
			return TenantSource.of(schemas);
		}
		TenantSource queried = TenantSource.query(dataSource, query);
		return () -> java.util.stream.Stream.concat(schemas.stream(), queried.tenants().stream()).toList();
	}

	/**
	 * Returns the default parallelism: {@link TenantSettings#DEFAULT_PARALLELISM}, or
	 * half of a pool's maximum size when that is smaller, since each running tenant holds
	 * two connections and a pool that cannot lend the second would stall them.
	 */
	static int defaultParallelism(DataSource dataSource) {
		BeanWrapperImpl pool = new BeanWrapperImpl(dataSource);
		if (pool.isReadableProperty("maximumPoolSize")
				&& pool.getPropertyValue("maximumPoolSize") instanceof Integer maximum && maximum > 0) {
			return Math.max(1, Math.min(TenantSettings.DEFAULT_PARALLELISM, maximum / 2));
		}
		return TenantSettings.DEFAULT_PARALLELISM;
	}

	static final class TenantsCondition extends AnyNestedCondition {

		TenantsCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("cairn.tenants.query")
		private static final class QueryCondition {

		}

		@ConditionalOnBean(TenantSource.class)
		private static final class TenantSourceCondition {

		}

		@Conditional(SchemasListedCondition.class)
		private static final class SchemasCondition {

		}

	}

	static final class SchemasListedCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			List<String> schemas = Binder.get(context.getEnvironment())
				.bind("cairn.tenants.schemas", Bindable.listOf(String.class))
				.orElse(List.of());
			return schemas.isEmpty() ? ConditionOutcome.noMatch("cairn.tenants.schemas is empty")
					: ConditionOutcome.match("cairn.tenants.schemas lists " + schemas.size() + " tenant(s)");
		}

	}

}
