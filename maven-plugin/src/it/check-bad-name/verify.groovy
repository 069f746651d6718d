def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] Migration file schema.sql in classpath:db/migrations does not have a migration name. Rename it to <version>_<description>.sql (also .up.sql and .down.sql), for example 001_initial_schema.sql, or R__<description>.sql for a repeatable migration; every .sql file in a migration location must be a migration.')
