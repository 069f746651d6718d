CREATE TABLE sessions (id bigint PRIMARY KEY, identity bigint REFERENCES identities);
