-- The admin search looks users up by name.
CREATE INDEX users_name_idx ON users (name);
