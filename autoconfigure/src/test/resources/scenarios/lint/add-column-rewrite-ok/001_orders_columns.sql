-- Constant and stable defaults are stored once in the catalog: no rewrite.
ALTER TABLE orders
	ADD COLUMN status text NOT NULL DEFAULT 'new',
	ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
	ADD COLUMN public_id uuid;
ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
