package dev.cairn.test;

import dev.cairn.autoconfigure.jpa.UserAccount;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @DataJpaTest} with only {@code @AutoConfigureCairnDatabase}: Hibernate validates
 * its mapping against the tables the migrations made in the clone.
 */
@ExtendWith(OnTestServer.class)
@DataJpaTest(properties = { "cairn.locations=classpath:scenarios/valid", "spring.jpa.hibernate.ddl-auto=validate" })
@AutoConfigureCairnDatabase
class AutoConfigureCairnDatabaseJpaTests {

	@Autowired
	private EntityManager entityManager;

	@Test
	void entitiesReadTheMigratedRows() {
		assertThat(this.entityManager.createQuery("select u from UserAccount u order by u.name", UserAccount.class)
			.getResultList()).extracting(UserAccount::getEmail).containsExactly("ada@example.com", "ob@example.com");
		assertThat(this.entityManager.createNativeQuery("SELECT current_database()").getSingleResult().toString())
			.startsWith("cairn_clone_");
	}

	@SpringBootConfiguration
	@AutoConfigurationPackage(basePackageClasses = UserAccount.class)
	static class SliceConfiguration {

	}

}
