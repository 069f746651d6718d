ALTER TABLE orders ADD COLUMN note text;
-- VALIDATE takes a lock that lets reads and writes go on.
ALTER TABLE customers VALIDATE CONSTRAINT customers_email_check;
LOCK TABLE invoices IN SHARE MODE;
