CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts);
CREATE TABLE audit (id bigint PRIMARY KEY);
