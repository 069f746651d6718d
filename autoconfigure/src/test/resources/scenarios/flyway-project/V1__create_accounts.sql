CREATE TYPE mood AS ENUM ('sad');   
CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE moods (m mood NOT NULL);
