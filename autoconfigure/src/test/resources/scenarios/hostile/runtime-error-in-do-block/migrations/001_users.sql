CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL);
DO $$
BEGIN
  PERFORM 1 / 0;
END
$$;
