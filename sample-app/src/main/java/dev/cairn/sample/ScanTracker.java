package dev.cairn.sample;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Projects, scans and findings in PostgreSQL, through {@link JdbcClient}.
 */
@Repository
public class ScanTracker {

	private final JdbcClient jdbc;

	ScanTracker(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public List<Project> projects() {
		return this.jdbc.sql("""
				SELECT p.id, p.name, p.created_at, count(s.id) AS scans
				FROM projects p LEFT JOIN scans s ON s.project_id = p.id
				GROUP BY p.id ORDER BY p.name""").query(Project.class).list();
	}

	@Transactional
	public Project createProject(String name) {
		Project project = this.jdbc
			.sql("INSERT INTO projects (name) VALUES (?) RETURNING id, name, created_at, 0 AS scans")
			.param(name)
			.query(Project.class)
			.single();
		event(project.id(), "project.created", "{}");
		return project;
	}

	/**
	 * Records a scan with its findings; a scan sent again with the same idempotency key
	 * is not recorded twice.
	 * @param projectId the project
	 * @param scan the scan
	 * @return the scan, and whether this call recorded it; empty when the project does
	 * not exist
	 */
	@Transactional
	public Optional<RecordedScan> recordScan(UUID projectId, NewScan scan) {
		boolean exists = this.jdbc.sql("SELECT EXISTS (SELECT 1 FROM projects WHERE id = ?)")
			.param(projectId)
			.query(Boolean.class)
			.single();
		if (!exists) {
			return Optional.empty();
		}
		Optional<Scan> inserted = this.jdbc.sql("""
				INSERT INTO scans (project_id, status, started_at, finished_at, idempotency_key)
				VALUES (:project, 'succeeded', now(), now(), :key)
				ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
				RETURNING id, project_id, status, :findings AS findings, created_at""")
			.param("project", projectId)
			.param("key", scan.idempotencyKey())
			.param("findings", scan.findings().size())
			.query(Scan.class)
			.optional();
		if (inserted.isEmpty()) {
			return Optional.of(new RecordedScan(this.jdbc.sql("""
					SELECT s.id, s.project_id, s.status,
					       (SELECT count(*) FROM findings f WHERE f.scan_id = s.id) AS findings, s.created_at
					FROM scans s WHERE s.project_id = ? AND s.idempotency_key = ?""")
				.params(projectId, scan.idempotencyKey())
				.query(Scan.class)
				.single(), false));
		}
		Scan recorded = inserted.get();
		for (NewFinding finding : scan.findings()) {
			this.jdbc.sql("""
					INSERT INTO findings (scan_id, rule_id, severity, title, file_path, line_number, confidence)
					VALUES (?, ?, ?, ?, ?, ?, ?)""")
				.params(recorded.id(), finding.ruleId(), finding.severity(), finding.title(), finding.filePath(),
						finding.lineNumber(), finding.confidence())
				.update();
		}
		event(projectId, "scan.recorded", "{\"findings\": " + scan.findings().size() + "}");
		return Optional.of(new RecordedScan(recorded, true));
	}

	public List<Finding> findings(String severity) {
		return this.jdbc.sql("""
				SELECT f.id, p.name AS project, f.rule_id, f.severity, f.title, f.file_path, f.line_number,
				       f.confidence, f.created_at
				FROM findings f JOIN scans s ON s.id = f.scan_id JOIN projects p ON p.id = s.project_id
				WHERE f.severity = ?
				ORDER BY f.created_at DESC, f.id""").param(severity).query(Finding.class).list();
	}

	private void event(UUID projectId, String kind, String payload) {
		this.jdbc.sql("INSERT INTO events (project_id, kind, payload) VALUES (?, ?, ?::jsonb)")
			.params(projectId, kind, payload)
			.update();
	}

	public record Project(UUID id, String name, Instant createdAt, long scans) {
	}

	public record RecordedScan(Scan scan, boolean created) {
	}

	public record NewScan(String idempotencyKey, List<NewFinding> findings) {

		public NewScan {
			findings = (findings != null) ? List.copyOf(findings) : List.of();
		}

	}

	public record NewFinding(String ruleId, String severity, String title, String filePath, Integer lineNumber,
			BigDecimal confidence) {
	}

	public record Scan(UUID id, UUID projectId, String status, int findings, Instant createdAt) {
	}

	public record Finding(UUID id, String project, String ruleId, String severity, String title, String filePath,
			Integer lineNumber, BigDecimal confidence, Instant createdAt) {
	}

}
