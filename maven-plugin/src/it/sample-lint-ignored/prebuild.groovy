def target = new File(basedir, 'src/main/resources/db/migrations')
target.mkdirs()
new File(sampleMigrations).eachFile { file -> new File(target, file.name).bytes = file.bytes }
new File(target, '007_add_notes.sql').text = "-- add notes\nALTER TABLE scans ADD COLUMN notes text;\n-- cairn:lint-ignore create-index-not-concurrent scans stays under a few thousand rows in the sample\nCREATE INDEX scans_notes_idx ON scans (notes);\n"
new File(target, '007_add_notes.down.sql').text = 'DROP INDEX scans_notes_idx;\nALTER TABLE scans DROP COLUMN notes;\n'
return true
