-- cairn:no-transaction
CREATE TABLE before_sleep (id int);
SELECT pg_sleep(coalesce(current_setting('cairn_test.sleep', true), '0')::float8);
CREATE TABLE after_sleep (id int);
