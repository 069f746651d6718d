CREATE TABLE never_committed (id int);
-- Ends the migration lock's session, as an operator's pg_terminate_backend would.
DO $$
BEGIN
    PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'cairn lock %'
        AND datname = current_database();
    PERFORM pg_sleep(0.5);
END
$$;
