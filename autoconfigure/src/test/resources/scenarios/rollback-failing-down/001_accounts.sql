CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO accounts VALUES (1, 'Ada'), (2, 'Grace');
