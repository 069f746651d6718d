drop view v;
