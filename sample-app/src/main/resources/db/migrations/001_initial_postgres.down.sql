DROP TABLE api_keys;
DROP TABLE events;
DROP TABLE findings;
DROP TABLE scans;
DROP TABLE snapshots;
DROP TABLE repositories;
DROP TABLE projects;
DROP TABLE users;
