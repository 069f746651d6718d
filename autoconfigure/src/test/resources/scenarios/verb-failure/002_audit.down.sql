DROP INDEX audit_at;
-- Long only where the session sets cairn_test.sleep.
SELECT pg_sleep(coalesce(current_setting('cairn_test.sleep', true), '0')::float8);
DROP TABLE audit;
