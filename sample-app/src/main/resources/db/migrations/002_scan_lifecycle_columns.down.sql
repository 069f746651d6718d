ALTER TABLE scans DROP CONSTRAINT scans_status_check;
ALTER TABLE scans ADD CONSTRAINT scans_status_check
	CHECK (status IN ('queued', 'running', 'succeeded', 'failed'));

ALTER TABLE scans
	DROP CONSTRAINT scans_finished_after_started,
	DROP COLUMN failure_reason,
	DROP COLUMN finished_at,
	DROP COLUMN started_at;
