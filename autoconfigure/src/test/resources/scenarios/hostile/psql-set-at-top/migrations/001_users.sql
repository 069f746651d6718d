\set ON_ERROR_STOP on
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
