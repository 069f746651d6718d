-- The admin search looks users up by name.
-- cairn:lint-ignore create-index-not-concurrent users is written to only by the nightly import
CREATE INDEX users_name_idx ON users (name);
