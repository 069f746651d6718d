-- Core tables of the Vega scan tracker: users, projects, repositories, snapshots, scans, findings, events, API keys.

CREATE TABLE users (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	email text NOT NULL UNIQUE CHECK (position('@' IN email) > 1),
	display_name text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
	owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE repositories (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	clone_url text NOT NULL,
	default_branch text NOT NULL DEFAULT 'main',
	created_at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (project_id, clone_url)
);

CREATE TABLE snapshots (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	repository_id uuid NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
	commit_sha text NOT NULL CHECK (commit_sha ~ '^[0-9a-f]{40}$'),
	taken_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scans (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	snapshot_id uuid REFERENCES snapshots (id) ON DELETE SET NULL,
	status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX scans_project_created_idx ON scans (project_id, created_at DESC);

CREATE TABLE findings (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	scan_id uuid NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
	rule_id text NOT NULL,
	severity text NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
	title text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX findings_scan_idx ON findings (scan_id);

CREATE TABLE events (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	project_id uuid REFERENCES projects (id) ON DELETE CASCADE,
	kind text NOT NULL,
	payload jsonb NOT NULL DEFAULT '{}'::jsonb,
	occurred_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name text NOT NULL,
	key_hash text NOT NULL UNIQUE,
	created_at timestamptz NOT NULL DEFAULT now(),
	revoked_at timestamptz
);
