package dev.cairn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * N migrations of mixed PostgreSQL DDL, written once per tool with the same SQL text:
 * Cairn files {@code NNNNN_desc.sql}, Flyway files {@code V{n}__desc.sql}, one Liquibase
 * formatted-SQL changelog, and a psql driver script that applies each file in its own
 * transaction.
 *
 * <p>
 * The mix, by position in a cycle of ten: new tables with a foreign key, an index and a
 * comment; added columns with partial indexes; PL/pgSQL functions and trigger functions
 * whose {@code $$}/{@code $fn$} bodies hold semicolons; views joining two tables; small
 * inserts whose strings hold semicolons, quotes and {@code --}. The same seed gives the
 * same corpus.
 *
 * @param root the folder holding {@code cairn/}, {@code flyway/}, {@code liquibase/} and
 * {@code psql/}
 * @param count how many migrations
 */
record Corpus(Path root, int count) {

	private static final String[] CYCLE = { "table", "column", "function", "insert", "table", "view", "trigger",
			"column", "insert", "table" };

	Path cairn() {
		return this.root.resolve("cairn");
	}

	Path flyway() {
		return this.root.resolve("flyway");
	}

	Path liquibaseChangelog() {
		return this.root.resolve("liquibase").resolve("changelog.sql");
	}

	Path psqlDriver() {
		return this.root.resolve("psql").resolve("apply-all.sql");
	}

	/**
	 * Writes the corpus under {@code parent/<count>/} unless a complete one is already
	 * there.
	 */
	static Corpus generate(Path parent, int count) {
		Corpus corpus = new Corpus(parent.resolve(Integer.toString(count)), count);
		Path done = corpus.root.resolve(".complete");
		if (Files.exists(done)) {
			return corpus;
		}
		try {
			for (String dir : List.of("cairn", "flyway", "liquibase", "psql")) {
				Files.createDirectories(corpus.root.resolve(dir));
			}
			List<Migration> migrations = migrations(count);
			StringBuilder changelog = new StringBuilder("--liquibase formatted sql\n");
			StringBuilder driver = new StringBuilder("""
					CREATE TABLE IF NOT EXISTS psql_history (
					    version integer PRIMARY KEY,
					    script text NOT NULL,
					    installed_on timestamptz NOT NULL DEFAULT now()
					);
					""");
			for (Migration migration : migrations) {
				String slug = migration.description().replace(' ', '_');
				Path cairnFile = corpus.cairn().resolve("%05d_%s.sql".formatted(migration.version(), slug));
				write(cairnFile, migration.sql());
				write(corpus.flyway().resolve("V%d__%s.sql".formatted(migration.version(), slug)), migration.sql());
				// splitStatements:false hands the whole body to the driver, which knows
				// dollar quotes.
				changelog.append("\n--changeset bench:")
					.append(migration.version())
					.append(" splitStatements:false\n")
					.append(migration.sql());
				driver.append("BEGIN;\n\\i '")
					.append(cairnFile.toAbsolutePath())
					.append("'\n")
					.append("INSERT INTO psql_history (version, script) VALUES (")
					.append(migration.version())
					.append(", '")
					.append(cairnFile.getFileName())
					.append("');\nCOMMIT;\n");
			}
			write(corpus.liquibaseChangelog(), changelog.toString());
			write(corpus.psqlDriver(), driver.toString());
			Files.createFile(done);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return corpus;
	}

	private static void write(Path file, String text) throws IOException {
		Files.writeString(file, text, StandardCharsets.UTF_8);
	}

	static List<Migration> migrations(int count) {
		Random random = new Random(20261121L);
		List<String> tables = new ArrayList<>();
		List<Migration> migrations = new ArrayList<>(count);
		for (int v = 1; v <= count; v++) {
			String kind = tables.isEmpty() ? "table" : CYCLE[(v - 1) % CYCLE.length];
			String some = tables.isEmpty() ? null : tables.get(random.nextInt(tables.size()));
			String other = tables.isEmpty() ? null : tables.get(random.nextInt(tables.size()));
			migrations.add(switch (kind) {
				case "table" -> {
					String table = "t_" + v;
					tables.add(table);
					yield new Migration(v, "create table " + table, """
							-- Migration %1$d: a table that points at an earlier one.
							CREATE TABLE %2$s (
							    id bigserial PRIMARY KEY,
							    parent_id bigint REFERENCES %3$s (id) ON DELETE CASCADE,
							    name text NOT NULL,
							    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done')),
							    created_at timestamptz NOT NULL DEFAULT now()
							);
							CREATE INDEX %2$s_parent_idx ON %2$s (parent_id);
							COMMENT ON TABLE %2$s IS 'Generated table %1$d; it''s a benchmark fixture';
							""".formatted(v, table, some == null ? table : some));
				}
				case "column" -> new Migration(v, "add column c_" + v + " to " + some, """
						/* Migration %1$d: a new column and a partial index on it. */
						ALTER TABLE %2$s ADD COLUMN c_%1$d integer NOT NULL DEFAULT 0;
						CREATE INDEX %2$s_c_%1$d_idx ON %2$s (c_%1$d) WHERE c_%1$d > 0;
						""".formatted(v, some));
				case "function" -> new Migration(v, "function f_" + v, """
						-- Migration %1$d: a PL/pgSQL function; its body holds semicolons.
						CREATE OR REPLACE FUNCTION f_%1$d(p_id bigint) RETURNS bigint
						LANGUAGE plpgsql STABLE AS $$
						DECLARE
						    v_count bigint;
						BEGIN
						    SELECT count(*) INTO v_count FROM %2$s WHERE id > p_id;
						    IF v_count > 10 THEN
						        RAISE NOTICE 'many rows; %%', v_count;
						    END IF;
						    RETURN v_count;
						END;
						$$;
						""".formatted(v, some));
				case "trigger" -> new Migration(v, "trigger touch_" + v + " on " + some, """
						-- Migration %1$d: a trigger function with a tagged dollar quote, and its trigger.
						CREATE FUNCTION touch_%1$d() RETURNS trigger LANGUAGE plpgsql AS $fn$
						BEGIN
						    NEW.name := trim(NEW.name); -- tidy; keep going
						    RETURN NEW;
						END;
						$fn$;
						CREATE TRIGGER touch_%1$d BEFORE INSERT OR UPDATE ON %2$s
						    FOR EACH ROW EXECUTE FUNCTION touch_%1$d();
						""".formatted(v, some));
				case "view" -> new Migration(v, "view v_" + v, """
						-- Migration %1$d: a view over two tables.
						CREATE VIEW v_%1$d AS
						SELECT c.id, c.name, c.status, p.name AS parent_name
						FROM %2$s c
						LEFT JOIN %3$s p ON p.id = c.parent_id
						WHERE c.status <> 'done';
						""".formatted(v, some, other));
				default -> new Migration(v, "insert into " + some, """
						-- Migration %1$d: a few rows.
						INSERT INTO %2$s (name, status) VALUES
						    ('row %1$d.1; with a semicolon', 'new'),
						    ('it''s row %1$d.2', 'done'),
						    ('-- row %1$d.3 is not a comment', 'new');
						""".formatted(v, some));
			});
		}
		return migrations;
	}

	/**
	 * One generated migration.
	 */
	record Migration(int version, String description, String sql) {

	}

}
