ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'member';
