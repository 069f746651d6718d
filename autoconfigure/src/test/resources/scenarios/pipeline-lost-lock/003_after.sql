CREATE TABLE after_the_loss (id int);
