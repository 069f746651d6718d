CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE tags (
	id serial,
	name text NOT NULL,
	CONSTRAINT tags_pkey PRIMARY KEY (id)
);
