def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] 007_add_notes.sql:3:1: error create-index-not-concurrent: CREATE INDEX without CONCURRENTLY on existing table scans blocks every write to it until the index is built.\n   3 | CREATE INDEX scans_notes_idx ON scans (notes);\n     | ^\n')
assert log.contains('Cairn lint above version 5: 1 error, 0 warnings')
