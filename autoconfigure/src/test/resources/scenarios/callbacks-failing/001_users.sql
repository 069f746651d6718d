CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE callback_log (id serial PRIMARY KEY, event text NOT NULL);
