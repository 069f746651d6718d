CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, detail text);
ALTER TABLE audit ALTER COLUMN detail TYPE jsonb USING detail::jsonb;
