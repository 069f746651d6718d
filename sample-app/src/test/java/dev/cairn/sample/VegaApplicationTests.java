package dev.cairn.sample;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boots the whole tracker against a fresh PostgreSQL database and talks to it over HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class VegaApplicationTests {

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	@Autowired
	private RestTestClient client;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		database.registerAsDataSource(registry);
	}

	@Test
	void migrationsEndpointShowsEveryMigrationApplied() {
		this.client.get()
			.uri("/actuator/migrations")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.currentVersion")
			.isEqualTo("6")
			.jsonPath("$.summary.applied")
			.isEqualTo(6)
			.jsonPath("$.summary.pending")
			.isEqualTo(0)
			.jsonPath("$.summary.failed")
			.isEqualTo(0)
			.jsonPath("$.summary.modified")
			.isEqualTo(0)
			.jsonPath("$.summary.missing")
			.isEqualTo(0)
			.jsonPath("$.lastRun.applied")
			.isEqualTo(6)
			.jsonPath("$.lastRun.durationMs")
			.isNumber()
			.jsonPath("$.lastRun.lockWaitMs")
			.isNumber()
			.jsonPath("$.lastRun.startedAt")
			.isNotEmpty()
			.jsonPath("$.lastRun.finishedAt")
			.isNotEmpty()
			.jsonPath("$.lastRun.error")
			.value((error) -> assertThat(error).isNull())
			.jsonPath("$.migrations.length()")
			.isEqualTo(6)
			.jsonPath("$.migrations[*].state")
			.value((List<String> states) -> assertThat(states).containsOnly("APPLIED"))
			.jsonPath("$.migrations[*].script")
			.value((List<String> scripts) -> assertThat(scripts).containsExactly("001_initial_postgres.sql",
					"002_scan_lifecycle_columns.sql", "003_runner_jobs_idempotency.sql", "004_findings_columns.sql",
					"005_operational_state_columns.sql", "006_findings_severity_index.sql"))
			.jsonPath("$.migrations[*].hasDown")
			.value((List<Boolean> downs) -> assertThat(downs).containsOnly(true))
			.jsonPath("$.migrations[*].checksum")
			.value((List<String> checksums) -> assertThat(checksums)
				.allMatch((checksum) -> checksum.startsWith("sha256:")))
			.jsonPath("$.migrations[0].version")
			.isEqualTo("1")
			.jsonPath("$.migrations[0].description")
			.isEqualTo("initial postgres")
			.jsonPath("$.migrations[0].type")
			.isEqualTo("SQL")
			.jsonPath("$.migrations[0].installedRank")
			.isEqualTo(1)
			.jsonPath("$.migrations[0].installedBy")
			.isNotEmpty()
			.jsonPath("$.migrations[0].installedOn")
			.isNotEmpty()
			.jsonPath("$.migrations[0].executionMs")
			.isNumber()
			.jsonPath("$.migrations[5].type")
			.isEqualTo("SQL_NO_TX");
	}

	@Test
	void migrationsEndpointNeverShowsConnectionDetails() {
		String body = this.client.get()
			.uri("/actuator/migrations")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).doesNotContain("jdbc:", "password", database.name());
	}

	@Test
	void migrationsEndpointSelectsOneMigration() {
		this.client.get()
			.uri("/actuator/migrations/4")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.script")
			.isEqualTo("004_findings_columns.sql")
			.jsonPath("$.state")
			.isEqualTo("APPLIED");
		this.client.get().uri("/actuator/migrations/99").exchange().expectStatus().isNotFound();
	}

	@Test
	void migrationsEndpointRefusesWriteOperationsByDefault() {
		this.client.post()
			.uri("/actuator/migrations/rollback")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("count", 1))
			.exchange()
			.expectStatus()
			.isEqualTo(405);
		this.client.post().uri("/actuator/migrations/migrate").exchange().expectStatus().isEqualTo(405);
		this.client.get()
			.uri("/actuator/migrations")
			.exchange()
			.expectBody()
			.jsonPath("$.currentVersion")
			.isEqualTo("6");
	}

	@Test
	void healthShowsCairnUp() {
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.cairn.status")
			.isEqualTo("UP")
			.jsonPath("$.components.cairn.details.currentVersion")
			.isEqualTo("6")
			.jsonPath("$.components.cairn.details.pending")
			.isEqualTo(0);
	}

	@Test
	void recordsAScanAndListsItsFindingsBySeverity() {
		byte[] created = this.client.post()
			.uri("/projects")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("name", "andromeda"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("andromeda")
			.returnResult()
			.getResponseBody();
		String projectId = JsonPath.read(new String(created, StandardCharsets.UTF_8), "$.id");
		this.client.get()
			.uri("/projects")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$[*].name")
			.value((List<String> names) -> assertThat(names).contains("andromeda"));
		Map<String, Object> scan = Map.of("idempotencyKey", "ci-1234", "findings",
				List.of(Map.of("ruleId", "sql-injection", "severity", "high", "title", "Query built from input",
						"filePath", "app/db.py", "lineNumber", 42, "confidence", 0.9),
						Map.of("ruleId", "weak-hash", "severity", "low", "title", "MD5 used")));
		this.client.post()
			.uri("/projects/{id}/scans", projectId)
			.contentType(MediaType.APPLICATION_JSON)
			.body(scan)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("succeeded")
			.jsonPath("$.findings")
			.isEqualTo(2);
		this.client.get()
			.uri("/findings?severity=high")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.length()")
			.isEqualTo(1)
			.jsonPath("$[0].project")
			.isEqualTo("andromeda")
			.jsonPath("$[0].ruleId")
			.isEqualTo("sql-injection")
			.jsonPath("$[0].filePath")
			.isEqualTo("app/db.py")
			.jsonPath("$[0].confidence")
			.isEqualTo(0.9);
		this.client.get().uri("/findings?severity=urgent").exchange().expectStatus().isBadRequest();
		Map<String, Object> retried = Map.of("idempotencyKey", "ci-run-7", "findings", List.of());
		String first = new String(this.client.post()
			.uri("/projects/{id}/scans", projectId)
			.contentType(MediaType.APPLICATION_JSON)
			.body(retried)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult()
			.getResponseBody());
		String replay = new String(this.client.post()
			.uri("/projects/{id}/scans", projectId)
			.contentType(MediaType.APPLICATION_JSON)
			.body(retried)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
		assertThat(replay).isEqualTo(first);
		this.client.post()
			.uri("/projects/{id}/scans", "00000000-0000-0000-0000-000000000000")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("findings", List.of()))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

}
