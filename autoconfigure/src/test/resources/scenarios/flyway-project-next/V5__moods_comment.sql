COMMENT ON TABLE moods IS '${owner} ${flyway:user} ${flyway:database} ${flyway:defaultSchema} ${flyway:table} ${FLYWAY:FILENAME}';
