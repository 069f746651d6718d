def names = new File(basedir, 'src/main/resources/db/migrations').list().sort()
assert names.size() == 3
def up = names.find { it ==~ /20\d{12}_add_discount_to_invoices\.sql/ }
assert up != null : names
assert up > '20240131120000'
assert names.contains(up.replace('.sql', '.down.sql'))
