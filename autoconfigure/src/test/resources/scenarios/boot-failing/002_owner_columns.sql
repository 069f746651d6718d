-- Line 3 has a typo: TABL.
ALTER TABLE projects ADD COLUMN owner text;
ALTER TABL projects ADD COLUMN team text;
