-- Pull in the rest
\i 003_rest.sql
