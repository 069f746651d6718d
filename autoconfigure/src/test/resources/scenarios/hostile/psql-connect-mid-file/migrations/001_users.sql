CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
\connect other_database
CREATE TABLE teams (id int);
