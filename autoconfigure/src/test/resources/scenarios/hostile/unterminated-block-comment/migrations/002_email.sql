ALTER TABLE users ADD COLUMN email text;
/* Next: the index
CREATE INDEX users_email ON users (email);
