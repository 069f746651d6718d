create view v as select 2;
