CREATE TABLE t (id int);
-- for ${tenant}
