-- cairn:no-transaction
-- Built concurrently so that writes to findings never wait for it.
CREATE INDEX CONCURRENTLY IF NOT EXISTS findings_severity_idx ON findings (severity, created_at DESC);
