-- cairn:no-transaction
ALTER TABLE accounts ADD COLUMN note text;
