INSERT INTO users VALUES (1, E'it\'s');
INSERT INTO users VALUES (2, E'ends with a backslash\');
