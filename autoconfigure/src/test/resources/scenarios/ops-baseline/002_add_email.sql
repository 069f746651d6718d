-- Users sign in with their e-mail address.
ALTER TABLE users ADD COLUMN email text;
CREATE UNIQUE INDEX users_email ON users (email);
