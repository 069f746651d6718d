package dev.cairn.autoconfigure;

import dev.cairn.autoconfigure.jpa.UserAccount;
import dev.cairn.test.TestDatabase;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hibernate validates its mapping against tables that only the migrations create, so the
 * migrations must run first.
 */
class CairnJpaTests {

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
				CairnAutoConfiguration.class))
		.withUserConfiguration(EntityConfiguration.class)
		.withPropertyValues(TestDatabaseProperties.of("spring.datasource", database))
		.withPropertyValues("spring.jpa.hibernate.ddl-auto=validate", "cairn.locations=classpath:scenarios/valid");

	@Test
	void entityManagerFactoryValidatesAgainstMigratedTables() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(EntityManagerFactory.class);
			assertThat(context.getBeanFactory().getBeanDefinition("entityManagerFactory").getDependsOn())
				.contains("cairnMigrationInitializer");
			var entityManager = context.getBean(EntityManagerFactory.class).createEntityManager();
			try {
				assertThat(entityManager.createQuery("select u from UserAccount u order by u.name", UserAccount.class)
					.getResultList()).extracting(UserAccount::getEmail)
					.containsExactly("ada@example.com", "ob@example.com");
			}
			finally {
				entityManager.close();
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = UserAccount.class)
	static class EntityConfiguration {

	}

}
