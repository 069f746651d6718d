SET LOCAL search_path = public;
INSERT INTO accounts VALUES (2, 'second; with a semicolon');
