-- cairn:lock-timeout=soon
CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
