def log = new File(basedir, 'build.log').text
assert log.contains("Cairn would run all 4 migration files in classpath:db/migrations (from Cairn's default)")
