CREATE TABLE teams (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL
);
-- A new table is empty: indexing it blocks nobody.
CREATE INDEX teams_name_idx ON teams (name);
