-- cairn:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS orders_old_idx;
