INSERT INTO accounts (id, name) VALUES (1, 'first');
