-- Saved on Windows: a BOM and CRLF line endings.
ALTER TABLE accounts ADD COLUMN email text;
INSERT INTO accounts (id, name, email) VALUES (1, 'Ada', 'ada@example.com');
