-- cairn:lint-ignore create-index-not-concurrent
CREATE INDEX users_name_idx ON users (name);
-- cairn:lint-ignore create-index-concurently users is small
CREATE INDEX users_email_idx ON users (email);
