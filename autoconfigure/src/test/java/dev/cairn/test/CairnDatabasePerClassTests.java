package dev.cairn.test;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code perClass()}, the methods of a class share one database.
 */
@ExtendWith(OnTestServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CairnDatabasePerClassTests {

	@RegisterExtension
	static final CairnDatabase db = CairnDatabase.forLocations("classpath:scenarios/valid").perClass();

	private static String first;

	@Test
	@Order(1)
	void firstMethodWrites() {
		new JdbcTemplate(db.dataSource()).update("INSERT INTO users (name, email) VALUES ('Grace', 'g@example.com')");
		first = db.name();
	}

	@Test
	@Order(2)
	void secondMethodSeesItInTheSameDatabase() {
		assertThat(new JdbcTemplate(db.dataSource()).queryForObject("SELECT count(*) FROM users", Integer.class))
			.isEqualTo(3);
		assertThat(db.name()).isEqualTo(first);
	}

}
