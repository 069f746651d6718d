CREATE TABLE before_the_loss (id int);
