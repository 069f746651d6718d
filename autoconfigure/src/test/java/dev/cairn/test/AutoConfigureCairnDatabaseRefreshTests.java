package dev.cairn.test;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A per-method refresh gives each method a fresh database under the same application
 * context, with and without a test-managed transaction; the default gives the next class
 * on the context a fresh one.
 */
class AutoConfigureCairnDatabaseRefreshTests {

	private static final List<String> databases = new ArrayList<>();

	private static final List<ApplicationContext> contexts = new ArrayList<>();

	@ExtendWith(OnTestServer.class)
	@SpringBootTest(classes = App.class, properties = "cairn.locations=classpath:scenarios/valid")
	@AutoConfigureCairnDatabase(refresh = AutoConfigureCairnDatabase.Refresh.AFTER_EACH_TEST_METHOD)
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	@Nested
	class PerMethod {

		@Autowired
		private JdbcTemplate jdbc;

		@Autowired
		private ApplicationContext context;

		@Test
		@Order(1)
		void firstMethodWrites() {
			this.jdbc.update("INSERT INTO users (name, email) VALUES ('Grace', 'g@example.com')");
			assertThat(this.jdbc.queryForObject("SELECT count(*) FROM users", Integer.class)).isEqualTo(3);
			record(this.jdbc, this.context);
		}

		@Test
		@Order(2)
		void secondMethodHasAFreshDatabaseInTheSameContext() {
			assertThat(this.jdbc.queryForObject("SELECT count(*) FROM users", Integer.class)).isEqualTo(2);
			record(this.jdbc, this.context);
			assertThat(databases.get(1)).isNotEqualTo(databases.get(0));
			assertThat(contexts.get(1)).isSameAs(contexts.get(0));
		}

		@Test
		@Order(3)
		@Transactional
		void aTransactionalMethodRunsOnItsOwnFreshDatabaseToo() {
			this.jdbc.update("INSERT INTO users (name, email) VALUES ('Linus', 'l@example.com')");
			assertThat(this.jdbc.queryForObject("SELECT count(*) FROM users", Integer.class)).isEqualTo(3);
			record(this.jdbc, this.context);
			assertThat(databases.get(2)).isNotIn(databases.get(0), databases.get(1));
			assertThat(contexts.get(2)).isSameAs(contexts.get(0));
		}

	}

	@ExtendWith(OnTestServer.class)
	@SpringBootTest(classes = App.class, properties = "cairn.locations=classpath:scenarios/valid")
	@AutoConfigureCairnDatabase
	@Nested
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	class PerClass {

		@Autowired
		private JdbcTemplate jdbc;

		private static String first;

		@Test
		@Order(1)
		void firstMethodWrites() {
			this.jdbc.update("INSERT INTO users (name, email) VALUES ('Grace', 'g@example.com')");
			first = this.jdbc.queryForObject("SELECT current_database()", String.class);
		}

		@Test
		@Order(2)
		void secondMethodSharesTheDatabase() {
			assertThat(this.jdbc.queryForObject("SELECT count(*) FROM users", Integer.class)).isEqualTo(3);
			assertThat(this.jdbc.queryForObject("SELECT current_database()", String.class)).isEqualTo(first);
		}

		@Nested
		class NextClassOnTheSameContext {

			@Autowired
			private JdbcTemplate jdbc;

			@Test
			void getsAFreshDatabase() {
				assertThat(this.jdbc.queryForObject("SELECT count(*) FROM users", Integer.class)).isEqualTo(2);
				assertThat(this.jdbc.queryForObject("SELECT current_database()", String.class)).isNotEqualTo(first);
			}

		}

	}

	private static void record(JdbcTemplate jdbc, ApplicationContext context) {
		databases.add(jdbc.queryForObject("SELECT current_database()", String.class));
		contexts.add(context);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

	}

}
