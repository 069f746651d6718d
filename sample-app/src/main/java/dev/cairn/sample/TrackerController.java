package dev.cairn.sample;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.cairn.sample.ScanTracker.Finding;
import dev.cairn.sample.ScanTracker.NewScan;
import dev.cairn.sample.ScanTracker.Project;
import dev.cairn.sample.ScanTracker.Scan;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The tracker's REST API: projects, recorded scans, and findings by severity.
 */
@RestController
class TrackerController {

	private static final Set<String> SEVERITIES = Set.of("info", "low", "medium", "high", "critical");

	private final ScanTracker tracker;

	TrackerController(ScanTracker tracker) {
		this.tracker = tracker;
	}

	@GetMapping("/projects")
	List<Project> projects() {
		return this.tracker.projects();
	}

	@PostMapping("/projects")
	ResponseEntity<Project> createProject(@RequestBody NewProject project) {
		if (project.name() == null || project.name().isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "A project needs a name");
		}
		Project created = this.tracker.createProject(project.name().strip());
		return ResponseEntity.created(URI.create("/projects/" + created.id())).body(created);
	}

	@PostMapping("/projects/{id}/scans")
	ResponseEntity<Scan> recordScan(@PathVariable UUID id, @RequestBody NewScan scan) {
		scan.findings().forEach((finding) -> checkSeverity(finding.severity()));
		return this.tracker.recordScan(id, scan)
			.map((recorded) -> ResponseEntity.status(recorded.created() ? HttpStatus.CREATED : HttpStatus.OK)
				.body(recorded.scan()))
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No project " + id));
	}

	@GetMapping("/findings")
	List<Finding> findings(@RequestParam(defaultValue = "high") String severity) {
		checkSeverity(severity);
		return this.tracker.findings(severity);
	}

	private static void checkSeverity(String severity) {
		if (!SEVERITIES.contains(severity)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"Severity must be one of info, low, medium, high, critical");
		}
	}

	record NewProject(String name) {
	}

}
