ALTER TABLE users RENAME CONSTRAINT users_email_check TO users_email_format;
ALTER TABLE users DROP CONSTRAINT users_name_check;
