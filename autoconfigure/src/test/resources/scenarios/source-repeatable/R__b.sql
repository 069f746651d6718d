create or replace view b as select 1;
