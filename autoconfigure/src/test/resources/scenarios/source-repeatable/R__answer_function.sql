create or replace function answer() returns int language sql as $$ select 42 $$;
