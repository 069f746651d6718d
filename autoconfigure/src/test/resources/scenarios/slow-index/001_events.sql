CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL);
INSERT INTO events (kind) SELECT 'kind-' || (g % 100) FROM generate_series(1, 300000) g;
