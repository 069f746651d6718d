CREATE TABLE greeting (position int PRIMARY KEY, text text NOT NULL);
INSERT INTO greeting VALUES (1, '${greeting}');
