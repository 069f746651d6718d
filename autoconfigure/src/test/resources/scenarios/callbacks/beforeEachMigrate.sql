INSERT INTO callback_log (event) VALUES ('beforeEachMigrate');
