package dev.cairn.sample;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.cairn.test.AutoConfigureCairnDatabase;
import dev.cairn.test.OnTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.RestTestClient.BodyContentSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endpoint's write operations over HTTP, with
 * {@code management.endpoint.migrations.access=unrestricted}, on a clone of the template
 * that {@code @AutoConfigureCairnDatabase} migrates from the app's own migrations.
 */
@ExtendWith(OnTestServer.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "management.endpoint.migrations.access=unrestricted")
@AutoConfigureRestTestClient
@AutoConfigureCairnDatabase
class MigrationsEndpointWriteTests {

	@Autowired
	private RestTestClient client;

	@Autowired
	private DataSource dataSource;

	@Test
	void rollsBackMigratesAndRepairsThenShowsTheNewState() throws SQLException {
		post("rollback", Map.of("count", 1)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.operation")
			.isEqualTo("rollback")
			.jsonPath("$.currentVersion")
			.isEqualTo("5")
			.jsonPath("$.migrations.length()")
			.isEqualTo(1)
			.jsonPath("$.migrations[0].version")
			.isEqualTo("6")
			.jsonPath("$.migrations[0].script")
			.isEqualTo("006_findings_severity_index.down.sql")
			.jsonPath("$.migrations[0].outcome")
			.isEqualTo("rolled back");
		status().jsonPath("$.currentVersion")
			.isEqualTo("5")
			.jsonPath("$.summary.applied")
			.isEqualTo(5)
			.jsonPath("$.summary.pending")
			.isEqualTo(1)
			.jsonPath("$.migrations[5].state")
			.isEqualTo("PENDING");

		post("rollback", Map.of("target", "3")).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.currentVersion")
			.isEqualTo("3")
			.jsonPath("$.migrations[*].version")
			.isEqualTo(List.of("5", "4"));
		status().jsonPath("$.summary.pending").isEqualTo(3);

		this.client.post()
			.uri("/actuator/migrations/migrate")
			.contentType(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.operation")
			.isEqualTo("migrate")
			.jsonPath("$.currentVersion")
			.isEqualTo("6")
			.jsonPath("$.migrations[*].outcome")
			.isEqualTo(List.of("applied", "applied", "applied"));
		status().jsonPath("$.currentVersion")
			.isEqualTo("6")
			.jsonPath("$.summary.pending")
			.isEqualTo(0)
			.jsonPath("$.lastRun.applied")
			.isEqualTo(3);

		// An applied file whose checksum no longer matches stops every operation but
		// repair.
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute("UPDATE cairn_history SET checksum = 'sha256:0' WHERE version = '5'");
		}
		post("rollback", Map.of("count", 1)).expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.operation")
			.isEqualTo("rollback")
			.jsonPath("$.error.message")
			.value((String message) -> assertThat(message).contains("005_operational_state_columns.sql", "repair"));
		status().jsonPath("$.currentVersion").isEqualTo("6").jsonPath("$.summary.modified").isEqualTo(1);
		this.client.post()
			.uri("/actuator/migrations/repair")
			.contentType(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.currentVersion")
			.isEqualTo("6")
			.jsonPath("$.migrations.length()")
			.isEqualTo(1)
			.jsonPath("$.migrations[0].version")
			.isEqualTo("5")
			.jsonPath("$.migrations[0].outcome")
			.value((String outcome) -> assertThat(outcome).contains("accepted"));
		status().jsonPath("$.summary.modified").isEqualTo(0).jsonPath("$.summary.applied").isEqualTo(6);
	}

	@Test
	void answersBadRequestWhenTheRequestDoesNotSayWhatToDo() {
		post("rollback", Map.of()).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.error.message")
			.value((String message) -> assertThat(message).contains("{\"target\": \"<version>\"}", "{\"count\": 1}",
					"{\"count\": \"all\"}"));
		post("rollback", Map.of("target", "0", "count", 1)).expectStatus().isBadRequest();
		post("rollback", Map.of("target", "not-a-version")).expectStatus().isBadRequest();
		post("rollback", Map.of("count", "some")).expectStatus().isBadRequest();
		post("migrate", Map.of("count", 1)).expectStatus().isBadRequest();
		post("fly", Map.of()).expectStatus().isBadRequest();
	}

	private RestTestClient.ResponseSpec post(String operation, Map<String, Object> body) {
		return this.client.post()
			.uri("/actuator/migrations/{operation}", operation)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.exchange();
	}

	private BodyContentSpec status() {
		return this.client.get().uri("/actuator/migrations").exchange().expectStatus().isOk().expectBody();
	}

}
