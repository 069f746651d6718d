CREATE TABLE tenants (schema_name text PRIMARY KEY, signed_up date NOT NULL DEFAULT current_date);
INSERT INTO tenants (schema_name) VALUES ('acme'), ('globex'), ('initech');
