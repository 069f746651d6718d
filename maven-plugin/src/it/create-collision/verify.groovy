def log = new File(basedir, 'build.log').text
assert log.contains('A migration named "add_notes" exists already: 002_add_notes.sql. Choose another -Dname, so that the history tells the two apart.')
assert new File(basedir, 'src/main/resources/db/migrations').list().size() == 2
