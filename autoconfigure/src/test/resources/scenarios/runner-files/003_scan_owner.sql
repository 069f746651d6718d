ALTER TABLE scans ADD COLUMN owner text;
