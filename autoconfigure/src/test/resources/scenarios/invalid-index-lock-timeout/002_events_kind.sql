-- cairn:no-transaction
CREATE INDEX CONCURRENTLY events_kind ON events (kind);
