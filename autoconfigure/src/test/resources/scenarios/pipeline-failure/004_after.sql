CREATE TABLE after_the_failure (id int);
