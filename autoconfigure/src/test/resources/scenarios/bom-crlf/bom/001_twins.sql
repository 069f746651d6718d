CREATE TABLE twins (id int);  
INSERT INTO twins VALUES (1);	
