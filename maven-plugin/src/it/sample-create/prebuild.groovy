def target = new File(basedir, 'src/main/resources/db/migrations')
target.mkdirs()
new File(sampleMigrations).eachFile { file -> new File(target, file.name).bytes = file.bytes }
return true
