def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] 002_users_name_index.sql:2:1: error create-index-not-concurrent: CREATE INDEX without CONCURRENTLY on existing table users blocks every write to it until the index is built.\n   2 | CREATE INDEX users_name_idx ON users (name);\n     | ^\n  Instead: Write CREATE INDEX CONCURRENTLY in a file of its own that starts with "-- cairn:no-transaction".\n  To silence it, put "-- cairn:lint-ignore create-index-not-concurrent <reason>" on the line above the statement.')
assert log.contains('Cairn lint: 1 error, 0 warnings in classpath:db/migrations (fail-on=error).')
// check ran first, in the same phase, and passed.
assert log.contains('Cairn would run all 2 migration files')
