-- The runtime role gets its rights after every deploy.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;
INSERT INTO callback_log (event) VALUES ('afterMigrate');
