-- SandGNAT style: written for psql -f, wrapped so a failure rolls back cleanly.
BEGIN;

CREATE TABLE analysis_jobs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sample_sha256 text NOT NULL,
    status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX analysis_jobs_status ON analysis_jobs (status);

COMMIT;
