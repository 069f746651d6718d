-- Where a finding is, what proves it, and how sure the rule is.

ALTER TABLE findings
	ADD COLUMN file_path text,
	ADD COLUMN line_number integer CHECK (line_number > 0),
	ADD COLUMN evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
	ADD COLUMN confidence numeric(3, 2) CHECK (confidence BETWEEN 0 AND 1);
