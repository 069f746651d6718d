def folder = new File(basedir, 'src/main/resources/db/migrations')
def up = new File(folder, '003_add_notes.sql')
def down = new File(folder, '003_add_notes.down.sql')
assert up.text == '-- add notes\n'
assert down.text == '-- Undoes 003_add_notes.sql\n'
def log = new File(basedir, 'build.log').text
assert log.contains('Created ' + up.path)
assert log.contains('Created ' + down.path)
