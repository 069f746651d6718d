-- cairn:no-transaction
BEGIN;
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
COMMIT;
