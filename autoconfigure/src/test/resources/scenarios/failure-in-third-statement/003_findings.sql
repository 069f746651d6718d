CREATE TABLE findings (id bigserial PRIMARY KEY);

INSERT INTO findings DEFAULT VALUES;

ALTER TABL findings ADD COLUMN confidence numeric;

CREATE TABLE never_created (id int);
