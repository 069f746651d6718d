CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE teams (id int);

CREATE TABEL members (id int);
