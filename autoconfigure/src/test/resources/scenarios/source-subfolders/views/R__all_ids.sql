create or replace view all_ids as select id from a;
