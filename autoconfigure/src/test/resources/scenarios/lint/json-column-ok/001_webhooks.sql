CREATE TABLE webhooks (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	payload jsonb NOT NULL,
	"json" text,
	note text DEFAULT 'json'
);
