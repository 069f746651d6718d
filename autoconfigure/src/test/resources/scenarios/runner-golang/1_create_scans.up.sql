CREATE TABLE scans (id bigint PRIMARY KEY, target text NOT NULL);
