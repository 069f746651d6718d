ALTER TYPE mood ADD VALUE 'calm';
INSERT INTO moods VALUES ('calm');
