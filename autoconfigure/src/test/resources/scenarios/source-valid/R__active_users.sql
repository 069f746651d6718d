create or replace view active_users as select id from users;
