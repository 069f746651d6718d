-- Reference data, loaded once.
-- cairn:lint-ignore create-index-not-concurrent countries holds 250 rows and nobody writes to it
CREATE INDEX countries_code_idx ON countries (code);
