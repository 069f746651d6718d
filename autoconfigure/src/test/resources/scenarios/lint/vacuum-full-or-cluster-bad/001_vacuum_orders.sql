-- cairn:no-transaction
VACUUM (FULL, ANALYZE) orders;
