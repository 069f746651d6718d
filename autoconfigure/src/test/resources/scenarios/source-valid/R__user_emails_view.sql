create or replace view user_emails as select id, email from users;
