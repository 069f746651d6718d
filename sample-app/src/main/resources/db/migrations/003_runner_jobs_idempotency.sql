-- runner_jobs tracks the ECS task that runs each scan; an idempotency key stops a retried request from queueing a
-- second scan.

CREATE TABLE runner_jobs (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	scan_id uuid NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
	task_arn text UNIQUE,
	state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'stopped')),
	exit_code integer,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX runner_jobs_scan_idx ON runner_jobs (scan_id);

ALTER TABLE scans ADD COLUMN idempotency_key text;

CREATE UNIQUE INDEX scans_project_idempotency_key_idx ON scans (project_id, idempotency_key)
	WHERE idempotency_key IS NOT NULL;
