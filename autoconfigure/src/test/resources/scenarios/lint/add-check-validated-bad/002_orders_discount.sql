ALTER TABLE orders ADD COLUMN discount numeric CHECK (discount BETWEEN 0 AND 1);
