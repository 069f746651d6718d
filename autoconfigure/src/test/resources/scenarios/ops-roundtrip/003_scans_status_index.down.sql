-- cairn:no-transaction
DROP INDEX CONCURRENTLY scans_status;
