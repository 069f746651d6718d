CREATE TABLE teams (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, size integer NOT NULL);
CREATE TABLE tags (id uuid PRIMARY KEY DEFAULT gen_random_uuid());
CREATE TABLE team_tags (team_id bigint, tag_id uuid, position integer, PRIMARY KEY (team_id, tag_id));
