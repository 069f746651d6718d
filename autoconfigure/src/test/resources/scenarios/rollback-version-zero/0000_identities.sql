CREATE TABLE identities (id bigint PRIMARY KEY);
