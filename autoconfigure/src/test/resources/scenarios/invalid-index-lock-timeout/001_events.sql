CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL);
INSERT INTO events (kind) SELECT 'kind-' || (g % 10) FROM generate_series(1, 1000) g;
