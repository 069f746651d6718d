-- cairn:no-transaction
VACUUM (ANALYZE) orders;
