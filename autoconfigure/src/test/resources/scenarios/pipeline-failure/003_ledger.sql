CREATE TABLE ledger (id int PRIMARY KEY);
INSERT INTO accounts VALUES (3, 'third');

INSERT INTO ledger VALUES (1), (1);
CREATE TABLE never_created (id int);
