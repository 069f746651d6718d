-- Must land in public: the search_path set by 001 must not leak into this migration.
CREATE TABLE in_public (id int);
CREATE TEMPORARY TABLE scratch (id int);
CREATE TABLE seen_settings AS SELECT current_setting('search_path') AS search_path, current_setting('statement_timeout') AS statement_timeout;
