create table audit (id bigint);
