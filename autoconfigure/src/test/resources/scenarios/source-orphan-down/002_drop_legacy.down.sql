drop table legacy;
