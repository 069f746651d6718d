CREATE TABLE ledger (id int PRIMARY KEY);
INSERT INTO ledger VALUES (1), (2);
