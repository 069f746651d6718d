create or replace view finding_counts as select 1 as n;
