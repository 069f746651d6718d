// The messages the application fails to start with (see the engine's hostile-input scenarios), one per file.
def log = new File(basedir, 'build.log').text
assert log.contains("[ERROR] Migration 001_users.sql, line 2, column 1: ROLLBACK is not allowed in a migration. Cairn runs each file in its own transaction and rolls it back itself on failure; remove this statement.")
assert log.contains("[ERROR] Migration 002_seed.sql, line 4, column 33: unterminated quoted string (it starts here and never ends). Close it with ' and write a quote inside it as ''.")
assert log.contains('[ERROR] Migration 003_vacuum.sql, line 2, column 1: VACUUM cannot run inside a transaction. Add "-- cairn:no-transaction" as the first line of 003_vacuum.sql; Cairn then runs its statements one by one outside a transaction.')
assert log.contains("Cairn would refuse to run 3 problems in classpath:db/migrations (from Cairn's default)")
