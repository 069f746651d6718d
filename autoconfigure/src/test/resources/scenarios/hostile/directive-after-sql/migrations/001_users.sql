CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
-- cairn:no-transaction
CREATE TABLE teams (id int);
