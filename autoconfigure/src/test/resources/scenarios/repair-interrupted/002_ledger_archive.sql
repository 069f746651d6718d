-- cairn:no-transaction
CREATE TABLE ledger_archive (id int PRIMARY KEY);
INSERT INTO ledger_archive SELECT id FROM ledger_feed;
-- Long only where the session sets cairn_test.sleep.
SELECT pg_sleep(coalesce(current_setting('cairn_test.sleep', true), '0')::float8);
CREATE TABLE ledger_done (id int);
