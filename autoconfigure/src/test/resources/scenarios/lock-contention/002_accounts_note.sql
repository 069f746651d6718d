-- A column added while a long report holds the table.
ALTER TABLE accounts ADD COLUMN note text;
