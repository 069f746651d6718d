ALTER TABLE events ALTER amount SET DATA TYPE numeric(12, 2) USING amount::numeric;
