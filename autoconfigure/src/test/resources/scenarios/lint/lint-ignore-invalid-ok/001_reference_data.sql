-- cairn:lint-ignore create-index-not-concurrent,many-exclusive-locks reference tables, read-only, under 1000 rows
CREATE INDEX countries_code_idx ON countries (code);
CREATE INDEX currencies_code_idx ON currencies (code);
ALTER TABLE countries ADD COLUMN note text;
ALTER TABLE currencies ADD COLUMN note text;
