-- Worker heartbeats, and when a stale scan was picked up again.

ALTER TABLE runner_jobs ADD COLUMN heartbeat_at timestamptz;

ALTER TABLE scans
	ADD COLUMN heartbeat_at timestamptz,
	ADD COLUMN recovered_at timestamptz,
	ADD COLUMN recovery_count integer NOT NULL DEFAULT 0 CHECK (recovery_count >= 0);

CREATE INDEX scans_running_heartbeat_idx ON scans (heartbeat_at) WHERE status = 'running';
