def folder = new File(basedir, 'src/main/resources/db/migrations')
assert new File(folder, 'V3__add_notes.sql').isFile()
assert new File(folder, 'U3__add_notes.sql').isFile()
assert folder.list().size() == 5
