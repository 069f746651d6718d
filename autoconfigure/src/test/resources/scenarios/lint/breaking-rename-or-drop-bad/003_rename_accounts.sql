ALTER TABLE accounts RENAME TO customers;
