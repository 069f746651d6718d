CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
COPY users (id, name) FROM stdin;
1	Ada
2	Bob
