CREATE SCHEMA elsewhere;
SET search_path TO elsewhere;
CREATE TABLE inside_elsewhere (id int);
SET statement_timeout = '1s';
CREATE TEMPORARY TABLE scratch (id int);
