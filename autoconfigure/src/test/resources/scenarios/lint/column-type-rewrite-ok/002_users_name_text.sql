-- cairn:lint-ignore column-type-rewrite varchar(80) to text is binary-coercible: no rewrite
ALTER TABLE users ALTER COLUMN name TYPE text;
