def folder = new File(basedir, 'src/main/resources/db/migrations')
assert folder.list().sort() == ['001_init.sql', 'R__finding_counts_view.sql']
