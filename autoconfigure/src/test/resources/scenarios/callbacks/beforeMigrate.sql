CREATE TABLE IF NOT EXISTS callback_log (id serial PRIMARY KEY, event text NOT NULL);
INSERT INTO callback_log (event) VALUES ('beforeMigrate');
