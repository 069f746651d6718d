DROP INDEX scans_running_heartbeat_idx;

ALTER TABLE scans
	DROP COLUMN recovery_count,
	DROP COLUMN recovered_at,
	DROP COLUMN heartbeat_at;

ALTER TABLE runner_jobs DROP COLUMN heartbeat_at;
