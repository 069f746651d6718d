package dev.cairn.sample;

import java.math.BigDecimal;
import java.util.List;

import dev.cairn.sample.ScanTracker.NewFinding;
import dev.cairn.sample.ScanTracker.NewScan;
import dev.cairn.sample.ScanTracker.Project;
import dev.cairn.sample.ScanTracker.RecordedScan;
import dev.cairn.test.AutoConfigureCairnDatabase;
import dev.cairn.test.AutoConfigureCairnDatabase.Refresh;
import dev.cairn.test.OnTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker's queries against the real schema: each method gets a fresh clone of a
 * template migrated once from the app's own migrations, under one application context.
 * The application's {@code spring.datasource.url} is replaced, as a developer's local one
 * would be.
 */
@ExtendWith(OnTestServer.class)
@SpringBootTest(webEnvironment = WebEnvironment.NONE,
		properties = "spring.datasource.url=jdbc:postgresql://replaced-by-cairn.invalid/vega")
@AutoConfigureCairnDatabase(refresh = Refresh.AFTER_EACH_TEST_METHOD)
class ScanTrackerTests {

	@Autowired
	private ScanTracker tracker;

	@Test
	void aScanSentTwiceIsRecordedOnce() {
		Project project = this.tracker.createProject("api");
		NewScan scan = new NewScan("build-41", List.of(new NewFinding("sql-injection", "high", "Query built from input",
				"Orders.java", 12, new BigDecimal("0.90"))));

		RecordedScan first = this.tracker.recordScan(project.id(), scan).orElseThrow();
		RecordedScan again = this.tracker.recordScan(project.id(), scan).orElseThrow();

		assertThat(first.created()).isTrue();
		assertThat(again.created()).isFalse();
		assertThat(again.scan().id()).isEqualTo(first.scan().id());
		assertThat(this.tracker.projects()).extracting(Project::name, Project::scans)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("api", 1L));
		assertThat(this.tracker.findings("high")).hasSize(1);
	}

	@Test
	void eachMethodStartsWithNoProjects() {
		assertThat(this.tracker.projects()).isEmpty();
		this.tracker.createProject("web");
		assertThat(this.tracker.projects()).extracting(Project::name).containsExactly("web");
	}

	@Test
	void aProjectNameIsUniqueOrNot() {
		assertThat(this.tracker.projects()).isEmpty();
		this.tracker.createProject("cli");
		assertThat(this.tracker.projects()).hasSize(1);
	}

}
