CREATE SCHEMA app;
SET search_path = nowhere;
SET application_name = 'changed-by-a-migration';
SET work_mem = '1MB';
CREATE TABLE public.t (id int);
SET ROLE pg_monitor;
