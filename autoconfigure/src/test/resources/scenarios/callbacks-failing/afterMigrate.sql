INSERT INTO callback_log (event) VALUES ('afterMigrate');
GRANT SELEC ON users TO PUBLIC;
