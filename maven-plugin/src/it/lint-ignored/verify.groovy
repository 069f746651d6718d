def log = new File(basedir, 'build.log').text
assert log.contains('Cairn lint: 0 errors, 0 warnings in classpath:db/migrations')
assert log.contains('BUILD SUCCESS')
