INSERT INTO users VALUES (1, 'Ada');

INSERT INTO users VALUES (2, 'Bob);
INSERT INTO users VALUES (3, 'Cy');
