CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
SAVEPOINT before_teams;
CREATE TABLE teams (id int);
