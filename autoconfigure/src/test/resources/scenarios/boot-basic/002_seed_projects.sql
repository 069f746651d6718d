INSERT INTO projects (name) VALUES ('vega'), ('orion');
