CREATE OR REPLACE VIEW user_names AS SELECT name, upper(name) AS shout FROM users;
