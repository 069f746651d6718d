CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL);
INSERT INTO accounts SELECT g, 'owner-' || g FROM generate_series(1, 1000) g;
