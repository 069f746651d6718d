-- Scan status transitions: when a scan started and finished, why it failed, and a cancelled state.

ALTER TABLE scans
	ADD COLUMN started_at timestamptz,
	ADD COLUMN finished_at timestamptz,
	ADD COLUMN failure_reason text,
	ADD CONSTRAINT scans_finished_after_started CHECK (finished_at >= started_at);

ALTER TABLE scans DROP CONSTRAINT scans_status_check;
ALTER TABLE scans ADD CONSTRAINT scans_status_check
	CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'));
