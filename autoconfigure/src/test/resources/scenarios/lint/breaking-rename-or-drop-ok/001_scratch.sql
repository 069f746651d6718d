CREATE TABLE scratch (a int, b int);
ALTER TABLE scratch RENAME COLUMN a TO c;
ALTER TABLE scratch DROP COLUMN b;
DROP TABLE scratch;
