CREATE TABLE findings (id bigserial PRIMARY KEY, fingerprint text NOT NULL);
INSERT INTO findings (fingerprint) VALUES ('a'), ('b'), ('b');
