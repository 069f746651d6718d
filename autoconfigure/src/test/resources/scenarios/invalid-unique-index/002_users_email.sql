-- cairn:no-transaction
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);
