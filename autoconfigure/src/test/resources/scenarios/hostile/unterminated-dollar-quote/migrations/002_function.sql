CREATE FUNCTION user_count() RETURNS bigint LANGUAGE plpgsql AS $body$
BEGIN
  RETURN (SELECT count(*) FROM users);
END;
$bdy$;
