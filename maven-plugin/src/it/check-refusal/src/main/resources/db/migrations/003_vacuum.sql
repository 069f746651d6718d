CREATE TABLE t (id int);
VACUUM t;
