-- cairn:no-transaction
CREATE INDEX CONCURRENTLY scans_status ON scans (status);
