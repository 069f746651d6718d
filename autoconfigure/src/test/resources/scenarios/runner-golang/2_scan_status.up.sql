ALTER TABLE scans ADD COLUMN status text NOT NULL DEFAULT 'queued';
