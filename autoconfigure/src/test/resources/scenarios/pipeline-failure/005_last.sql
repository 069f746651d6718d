INSERT INTO accounts VALUES (5, 'fifth');
