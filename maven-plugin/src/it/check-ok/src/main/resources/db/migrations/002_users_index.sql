-- cairn:no-transaction
CREATE INDEX CONCURRENTLY users_id_idx ON users (id);
