ALTER TYPE mood ADD VALUE 'happy';
INSERT INTO moods VALUES ('happy');
