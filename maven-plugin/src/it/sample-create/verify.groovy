// ./mvnw -pl sample-app cairn:create -Dname="add notes", on a copy of the sample app's migrations.
def folder = new File(basedir, 'src/main/resources/db/migrations')
assert new File(folder, '007_add_notes.sql').text == '-- add notes\n'
assert new File(folder, '007_add_notes.down.sql').text == '-- Undoes 007_add_notes.sql\n'
assert !new File(sampleMigrations, '007_add_notes.sql').exists()
