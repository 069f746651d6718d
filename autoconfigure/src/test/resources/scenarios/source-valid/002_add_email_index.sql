-- cairn:lock-timeout=30s
-- cairn:no-transaction

create index concurrently users_email_idx on users (email);
