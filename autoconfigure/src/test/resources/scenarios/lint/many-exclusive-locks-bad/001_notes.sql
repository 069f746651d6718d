ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE customers ADD COLUMN note text;
LOCK TABLE invoices;
