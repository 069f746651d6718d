def folder = new File(basedir, 'src/main/resources/db/custom')
assert folder.list().sort() == ['01_init.sql', '02_second.down.sql', '02_second.sql']
assert !new File(basedir, 'src/main/resources/db/migrations').exists()
