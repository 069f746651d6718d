CREATE TABLE shipments (order_id bigint NOT NULL);
ALTER TABLE shipments ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY, ADD COLUMN token uuid DEFAULT gen_random_uuid();
