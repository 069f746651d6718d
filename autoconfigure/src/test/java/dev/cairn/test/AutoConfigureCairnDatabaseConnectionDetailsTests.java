package dev.cairn.test;

import java.net.URI;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With neither {@code cairn.test.url} nor {@code CAIRN_TEST_DATABASE_URL}, the server is
 * the one a {@link JdbcConnectionDetails} bean of the test's context names, as
 * {@code @ServiceConnection} on a PostgreSQL container registers it. The bean names the
 * tests' server with an application name of its own, which the clone's sessions carry.
 */
@SpringBootTest(classes = AutoConfigureCairnDatabaseConnectionDetailsTests.App.class,
		properties = { "cairn.locations=classpath:scenarios/valid", "cairn.test.url=", "CAIRN_TEST_DATABASE_URL=" })
@AutoConfigureCairnDatabase
class AutoConfigureCairnDatabaseConnectionDetailsTests {

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private CairnTestDataSource dataSource;

	@Test
	void theContextsJdbcConnectionDetailsNameTheServer() {
		assertThat(this.jdbc.queryForObject("SELECT current_setting('application_name')", String.class))
			.isEqualTo("cairn-connection-details");
		assertThat(this.jdbc.queryForObject("SELECT current_database()", String.class)).startsWith("cairn_clone_");
		assertThat(this.jdbc.queryForList("SELECT name FROM users ORDER BY name", String.class)).containsExactly("Ada",
				"O'Brien; the second");
		assertThat(this.dataSource.url()).contains("ApplicationName=cairn-connection-details");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		JdbcConnectionDetails testServerDetails() {
			return new ServerDetails(TestDatabase.serverUrl());
		}

	}

	/**
	 * The tests' server with the credentials apart from the URL, as a container's
	 * connection details have them.
	 */
	record ServerDetails(String serverUrl) implements JdbcConnectionDetails {

		@Override
		public String getJdbcUrl() {
			int query = this.serverUrl.indexOf('?');
			String base = (query >= 0) ? this.serverUrl.substring(0, query) : this.serverUrl;
			StringBuilder url = new StringBuilder(base).append("?ApplicationName=cairn-connection-details");
			for (String parameter : parameters()) {
				if (!parameter.startsWith("user=") && !parameter.startsWith("password=")) {
					url.append('&').append(parameter);
				}
			}
			return url.toString();
		}

		@Override
		public String getUsername() {
			return parameter("user");
		}

		@Override
		public String getPassword() {
			return parameter("password");
		}

		private String parameter(String name) {
			for (String parameter : parameters()) {
				if (parameter.startsWith(name + "=")) {
					return parameter.substring(name.length() + 1);
				}
			}
			return null;
		}

		private String[] parameters() {
			String query = URI.create(this.serverUrl.substring("jdbc:".length())).getRawQuery();
			return (query != null) ? query.split("&") : new String[0];
		}

	}

}
