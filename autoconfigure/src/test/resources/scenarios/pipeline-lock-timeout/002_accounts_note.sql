-- Waits for the report that holds accounts.
ALTER TABLE accounts ADD COLUMN note text;
