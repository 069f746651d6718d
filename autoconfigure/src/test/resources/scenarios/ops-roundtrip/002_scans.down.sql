DROP TABLE scans;
DROP TYPE scan_status;
