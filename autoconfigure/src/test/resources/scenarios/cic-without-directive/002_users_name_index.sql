-- Builds the index without blocking writes.
CREATE INDEX CONCURRENTLY users_name ON users (name);
