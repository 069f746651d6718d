DROP INDEX audit_at;
ALTER TABLE audit DROP COLUMN acount;
DROP TABLE audit;
