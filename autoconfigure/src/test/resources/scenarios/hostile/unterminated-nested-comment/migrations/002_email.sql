/* outer /* inner */ still a comment
ALTER TABLE users ADD COLUMN email text;
