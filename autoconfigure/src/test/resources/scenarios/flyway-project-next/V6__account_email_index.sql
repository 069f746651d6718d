CREATE UNIQUE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);
