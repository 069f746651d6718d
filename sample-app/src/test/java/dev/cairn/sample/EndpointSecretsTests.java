package dev.cairn.sample;

import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code /actuator/migrations} and {@code /actuator/health} show over HTTP when
 * every setting carries a password: never the password, never a JDBC URL.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class EndpointSecretsTests {

	private static final String SECRET = "hunter2-secret";

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	@Autowired
	private RestTestClient client;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		database.registerAsDataSource(registry);
		String url = database.url();
		registry.add("spring.datasource.password", () -> SECRET);
		registry.add("cairn.url", () -> url + (url.contains("?") ? "&" : "?") + "password=" + SECRET);
		registry.add("cairn.user", () -> (database.username() != null) ? database.username() : "postgres");
		registry.add("cairn.password", () -> SECRET);
	}

	@Test
	void neitherEndpointShowsAPasswordOrAJdbcUrl() {
		assertThat(get("/actuator/migrations")).contains("\"currentVersion\":\"6\"")
			.doesNotContain(SECRET, "jdbc:", "password");
		assertThat(get("/actuator/health")).contains("\"status\":\"UP\"").doesNotContain(SECRET, "jdbc:", "password");
	}

	private String get(String path) {
		return this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

}
