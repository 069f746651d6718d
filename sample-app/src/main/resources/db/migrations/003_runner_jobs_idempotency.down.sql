DROP INDEX scans_project_idempotency_key_idx;
ALTER TABLE scans DROP COLUMN idempotency_key;
DROP TABLE runner_jobs;
