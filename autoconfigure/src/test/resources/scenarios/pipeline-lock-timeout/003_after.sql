CREATE TABLE after_the_wait (id int);
