alter table users add column discount numeric;
-- cairn:no-transaction
