CREATE TYPE scan_status AS ENUM ('queued', 'running', 'done');
CREATE TABLE scans (
    id bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects (id),
    status scan_status NOT NULL DEFAULT 'queued'
);
