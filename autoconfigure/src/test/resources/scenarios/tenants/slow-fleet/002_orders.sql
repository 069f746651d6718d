CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts);
-- Slow, so that the test's kill lands while tenants are running.
SELECT pg_sleep(0.4);
CREATE TABLE audit (id bigint PRIMARY KEY);
