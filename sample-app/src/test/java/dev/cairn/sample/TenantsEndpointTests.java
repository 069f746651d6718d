package dev.cairn.sample;

import dev.cairn.test.AutoConfigureCairnDatabase;
import dev.cairn.test.OnTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * The sample app with two tenant schemas (files in the test resources'
 * {@code db/tenants}): the fleet over HTTP at {@code /actuator/migrations} and
 * {@code /actuator/migrations/tenants/{name}}, and in health. The application's own
 * migrations come with the {@code @AutoConfigureCairnDatabase} clone; the tenants' are
 * applied to it at startup.
 */
@ExtendWith(OnTestServer.class)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "cairn.tenants.schemas=acme,globex")
@AutoConfigureRestTestClient
@AutoConfigureCairnDatabase
class TenantsEndpointTests {

	@Autowired
	private RestTestClient client;

	@Test
	void showsTheFleetAndEachTenant() {
		this.client.get()
			.uri("/actuator/migrations")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.currentVersion")
			.isEqualTo("6")
			.jsonPath("$.tenants.count")
			.isEqualTo(2)
			.jsonPath("$.tenants.states.MIGRATED")
			.isEqualTo(2)
			.jsonPath("$.tenants.states.FAILED")
			.isEqualTo(0)
			.jsonPath("$.tenants.failed.length()")
			.isEqualTo(0)
			.jsonPath("$.tenants.slowest[*].applied")
			.isEqualTo(java.util.List.of(2, 2));
		this.client.get()
			.uri("/actuator/migrations/tenants/globex")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("globex")
			.jsonPath("$.state")
			.isEqualTo("MIGRATED")
			.jsonPath("$.currentVersion")
			.isEqualTo("2")
			.jsonPath("$.error")
			.isEmpty()
			.jsonPath("$.summary.applied")
			.isEqualTo(2)
			.jsonPath("$.migrations[*].script")
			.isEqualTo(java.util.List.of("001_notes.sql", "002_note_dates.sql"));
		this.client.get().uri("/actuator/migrations/tenants/nobody").exchange().expectStatus().isNotFound();
		this.client.get()
			.uri("/actuator/health/cairn")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.details.tenants")
			.isEqualTo(2);
	}

}
