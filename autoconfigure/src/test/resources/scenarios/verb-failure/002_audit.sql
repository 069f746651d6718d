CREATE TABLE audit (id int PRIMARY KEY, account int NOT NULL REFERENCES accounts, at timestamptz NOT NULL DEFAULT now());
CREATE INDEX audit_at ON audit (at);
INSERT INTO audit (id, account) VALUES (1, 1), (2, 2);
