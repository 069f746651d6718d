CREATE TABLE projects (id bigserial PRIMARY KEY);
