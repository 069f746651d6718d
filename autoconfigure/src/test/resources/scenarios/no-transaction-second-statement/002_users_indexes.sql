-- cairn:no-transaction
CREATE INDEX CONCURRENTLY users_name ON users (name);

CREATE INDX CONCURRENTLY users_email ON users (email);
