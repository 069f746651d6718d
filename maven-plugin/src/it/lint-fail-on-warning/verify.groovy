def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] 001_webhooks.sql:3:10: warning json-column: Column webhooks.payload is json')
assert log.contains('Cairn lint: 0 errors, 1 warning in classpath:db/migrations (fail-on=warning).')
