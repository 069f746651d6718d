-- Pulls in the shared definitions.
CREATE TABLE teams (id int);
\i shared/teams.sql
