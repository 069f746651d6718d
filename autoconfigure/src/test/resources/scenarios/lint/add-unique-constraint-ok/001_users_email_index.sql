-- cairn:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);
