def log = new File(basedir, 'build.log').text
assert log.contains('Cairn would run all 14 migration files')
assert log.contains('Cairn lint above version 5: 0 errors, 0 warnings')
assert log.contains('BUILD SUCCESS')
