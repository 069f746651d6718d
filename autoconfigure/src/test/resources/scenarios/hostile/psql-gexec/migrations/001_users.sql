CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
SELECT format('CREATE TABLE t_%s (id int)', g) FROM generate_series(1, 3) g
\gexec
