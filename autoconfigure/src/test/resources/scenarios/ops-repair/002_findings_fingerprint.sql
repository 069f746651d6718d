-- cairn:no-transaction
ALTER TABLE findings ADD COLUMN IF NOT EXISTS seen_at timestamptz;
CREATE UNIQUE INDEX CONCURRENTLY findings_fingerprint ON findings (fingerprint);
ANALYZE findings;
