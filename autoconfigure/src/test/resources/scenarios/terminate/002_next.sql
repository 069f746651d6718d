CREATE TABLE next_one (id int);
