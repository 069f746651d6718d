ALTER TABLE customers ADD COLUMN note text;
CREATE TABLE customer_notes (customer_id bigint NOT NULL, note text);
ALTER TABLE customer_notes ADD COLUMN created_at timestamptz;
