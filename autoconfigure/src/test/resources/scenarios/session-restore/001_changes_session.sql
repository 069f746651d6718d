CREATE SCHEMA app;
SET search_path = nowhere;
SET application_name = 'changed-by-a-migration';
SET ROLE NONE;
CREATE TABLE public.t (id int);
