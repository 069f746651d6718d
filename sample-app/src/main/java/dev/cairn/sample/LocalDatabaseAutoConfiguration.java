package dev.cairn.sample;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The tracker's database when none is configured (neither {@code DATABASE_URL} nor
 * {@code spring.datasource.url}): the PostgreSQL at {@code vega.local-database-url} when
 * something answers there, otherwise, where the embedded PostgreSQL library is on the
 * class path, a throw-away embedded one. That library is an optional dependency, which
 * {@code spring-boot:run} and the tests see and the repackaged jar leaves out, so
 * {@code java -jar} never starts one.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class,
		afterName = "org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration")
@Conditional(LocalDatabaseAutoConfiguration.NoDatabaseConfigured.class)
public final class LocalDatabaseAutoConfiguration {

	static final String DEFAULT_URL = "jdbc:postgresql://localhost:5432/postgres";

	@Bean
	@ConditionalOnMissingBean(JdbcConnectionDetails.class)
	LocalDatabase localDatabase(Environment environment) {
		return LocalDatabase.find(environment.getProperty("vega.local-database-url", DEFAULT_URL));
	}

	static final class NoDatabaseConfigured extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			for (String property : new String[] { "spring.datasource.url", "DATABASE_URL" }) {
				if (StringUtils.hasText(environment.getProperty(property))) {
					return ConditionOutcome.noMatch(property + " is set");
				}
			}
			return ConditionOutcome.match("neither spring.datasource.url nor DATABASE_URL is set");
		}

	}

}
