ALTER TABLE findings
	DROP COLUMN confidence,
	DROP COLUMN evidence,
	DROP COLUMN line_number,
	DROP COLUMN file_path;
