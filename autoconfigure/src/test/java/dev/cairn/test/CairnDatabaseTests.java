package dev.cairn.test;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plain JUnit extension: each test method gets a database of its own with every
 * migration applied.
 */
@ExtendWith(OnTestServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CairnDatabaseTests {

	@RegisterExtension
	static final CairnDatabase db = CairnDatabase.forLocations("classpath:scenarios/valid");

	private static final List<String> names = new ArrayList<>();

	@Test
	@Order(1)
	void aTestGetsAMigratedDatabase() {
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
		jdbc.update("INSERT INTO users (name, email) VALUES ('Grace', 'grace@example.com')");

		assertThat(jdbc.queryForList("SELECT name FROM users ORDER BY name", String.class)).containsExactly("Ada",
				"Grace", "O'Brien; the second");
		assertThat(jdbc.queryForObject("SELECT current_database()", String.class)).isEqualTo(db.name())
			.startsWith("cairn_clone_");
		assertThat(db.url()).contains("/" + db.name());
		names.add(db.name());
	}

	@Test
	@Order(2)
	void theNextTestGetsAFreshOne() {
		JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());

		assertThat(jdbc.queryForList("SELECT name FROM users ORDER BY name", String.class)).containsExactly("Ada",
				"O'Brien; the second");
		assertThat(names).hasSize(1).doesNotContain(db.name());
	}

}
