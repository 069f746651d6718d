-- cairn:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS findings_severity_idx;
