-- Users
-- Café owners
COMMENT ON TABLE users IS 'people';
