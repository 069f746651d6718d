ALTER TABLE notes ADD COLUMN created_on date NOT NULL DEFAULT current_date;
