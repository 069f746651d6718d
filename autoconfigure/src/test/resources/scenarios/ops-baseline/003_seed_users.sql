INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com');
INSERT INTO users (name, email) VALUES ('O''Brien; the second', 'ob@example.com');

CREATE FUNCTION user_count() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RETURN (SELECT count(*) FROM users); -- a semicolon inside the body
END;
$$;
