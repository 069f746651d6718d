package dev.cairn.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cairn.core.LintTokens.Name;
import dev.cairn.core.LintTokens.Token;
import org.jspecify.annotations.Nullable;

import static dev.cairn.core.LintTokens.at;
import static dev.cairn.core.LintTokens.containsPair;
import static dev.cairn.core.LintTokens.name;
import static dev.cairn.core.LintTokens.skipIfExists;
import static dev.cairn.core.LintTokens.split;

/**
 * Lints one parsed migration file, statement by statement, remembering which tables the
 * file itself created (those are new and empty, so nothing done to them can hurt) and
 * which existing tables it locks exclusively.
 * <p>
 * Each statement is read as tokens and matched against the few shapes that lock or
 * rewrite a busy table for long: {@code CREATE INDEX}, {@code ALTER TABLE} with its
 * comma-separated actions ({@link AlterTableLint}), {@code DROP TABLE}, {@code TRUNCATE},
 * {@code LOCK}, {@code VACUUM} and {@code CLUSTER}. Then findings silenced by
 * {@code -- cairn:lint-ignore} comments above the statement, or at the top of the file,
 * are dropped.
 */
final class Linter {

	private static final Set<String> INTEGER_TYPES = Set.of("INT", "INTEGER", "INT4", "SERIAL", "SERIAL4", "SMALLINT",
			"INT2", "SMALLSERIAL", "SERIAL2");

	private final LintState state;

	private final List<Integer> concurrent = new ArrayList<>();

	private final Map<Integer, SqlStatement> byOffset = new HashMap<>();

	private Linter(SqlScript script) {
		this.state = new LintState(script);
	}

	static List<LintFinding> lint(SqlScript script) {
		Linter linter = new Linter(script);
		for (SqlStatement statement : script.statements()) {
			linter.state.statement = statement;
			linter.byOffset.put(statement.offset(), statement);
			linter.read(LintTokens.of(statement.sql()));
		}
		linter.acrossStatements();
		linter.state.findings.sort((a, b) -> (a.line() != b.line()) ? Integer.compare(a.line(), b.line())
				: Integer.compare(a.column(), b.column()));
		return linter.state.findings;
	}

	private void acrossStatements() {
		if (this.state.script.transactional() && this.state.exclusive.size() > 1) {
			int second = List.copyOf(this.state.exclusive.values()).get(1);
			SqlStatement at = this.byOffset.get(second);
			List<String> tables = List.copyOf(this.state.exclusive.keySet());
			String named = String.join(", ", tables.subList(0, tables.size() - 1)) + " and "
					+ tables.get(tables.size() - 1);
			this.state.report(LintRule.MANY_EXCLUSIVE_LOCKS, at, second, named);
		}
		if (!this.state.script.transactional() && this.state.script.statements().size() > 1) {
			for (int offset : this.concurrent) {
				SqlStatement at = this.byOffset.get(offset);
				this.state.report(LintRule.CONCURRENT_WITH_OTHERS, at, offset, firstWords(at));
			}
		}
	}

	private void read(List<Token> tokens) {
		if (tokens.isEmpty()) {
			return;
		}
		for (Token token : tokens) {
			if (token.depth() == 0 && token.is("CONCURRENTLY")) {
				this.concurrent.add(this.state.statement.offset());
				break;
			}
		}
		String first = tokens.get(0).text();
		switch (first) {
			case "CREATE" -> create(tokens);
			case "ALTER" -> {
				if (at(tokens, 1, "TABLE")) {
					new AlterTableLint(this.state).read(tokens);
				}
			}
			case "DROP" -> {
				if (at(tokens, 1, "TABLE")) {
					dropTable(tokens);
				}
			}
			case "TRUNCATE", "LOCK" -> lockTables(tokens);
			case "VACUUM" -> {
				for (Token token : tokens) {
					if (token.is("FULL") && token.depth() <= 1) {
						this.state.hit(LintRule.VACUUM_FULL_OR_CLUSTER, tokens.get(0), "VACUUM FULL");
						break;
					}
				}
			}
			case "CLUSTER" -> this.state.hit(LintRule.VACUUM_FULL_OR_CLUSTER, tokens.get(0), "CLUSTER");
			default -> {
			}
		}
	}

	private void create(List<Token> t) {
		int i = 1;
		if (at(t, i, "OR") && at(t, i + 1, "REPLACE")) {
			i += 2;
		}
		while (at(t, i, "GLOBAL") || at(t, i, "LOCAL") || at(t, i, "TEMP") || at(t, i, "TEMPORARY")
				|| at(t, i, "UNLOGGED")) {
			i++;
		}
		if (at(t, i, "MATERIALIZED") || at(t, i, "RECURSIVE")) {
			i++;
		}
		if (at(t, i, "VIEW") || at(t, i, "SEQUENCE")) {
			// Created here, so ALTER TABLE on them (as pg_dump writes for OWNER TO) locks
			// nothing anyone uses yet.
			Name created = name(t, skipIfExists(t, i + 1, true));
			if (created != null) {
				this.state.created.add(created.name());
			}
			return;
		}
		if (at(t, i, "FOREIGN") && at(t, i + 1, "TABLE")) {
			i++;
		}
		if (at(t, i, "TABLE")) {
			i = skipIfExists(t, i + 1, true);
			Name table = name(t, i);
			if (table == null) {
				return;
			}
			this.state.created.add(table.name());
			if (at(t, table.next(), "(")) {
				columns(t, table.next(), table.name());
			}
			return;
		}
		if (at(t, i, "UNIQUE")) {
			i++;
		}
		if (!at(t, i, "INDEX") || at(t, i + 1, "CONCURRENTLY")) {
			return;
		}
		for (int on = i + 1; on < t.size(); on++) {
			if (t.get(on).depth() == 0 && t.get(on).is("ON")) {
				Name table = name(t, at(t, on + 1, "ONLY") ? on + 2 : on + 1);
				if (table != null && !this.state.created.contains(table.name())) {
					this.state.hit(LintRule.CREATE_INDEX_NOT_CONCURRENT, t.get(0), table.name());
				}
				return;
			}
		}
	}

	private void columns(List<Token> t, int open, String table) {
		Map<String, String> types = new HashMap<>();
		@Nullable Token primaryKey = null;
		@Nullable String primaryColumn = null;
		for (List<Token> element : split(t, open + 1, t.get(open).depth() + 1)) {
			Token head = element.get(0);
			if (!head.quoted() && (LintState.TABLE_CONSTRAINTS.contains(head.text()) || head.is("LIKE"))) {
				int k = head.is("CONSTRAINT") ? 2 : 0;
				if (at(element, k, "PRIMARY") && at(element, k + 2, "(")) {
					List<List<Token>> keys = split(element, k + 3, element.get(k + 2).depth() + 1);
					if (keys.size() == 1 && keys.get(0).size() == 1) {
						primaryKey = element.get(k);
						primaryColumn = keys.get(0).get(0).name();
					}
				}
				continue;
			}
			if (element.size() < 2) {
				continue;
			}
			String column = head.name();
			Token type = element.get(1);
			types.put(column, type.text());
			if (type.is("JSON")) {
				this.state.hit(LintRule.JSON_COLUMN, type, table + "." + column);
			}
			if (INTEGER_TYPES.contains(type.text()) && !type.quoted() && containsPair(element, "PRIMARY", "KEY")) {
				this.state.hit(LintRule.INTEGER_PRIMARY_KEY, head, table + "." + column);
			}
		}
		if (primaryKey != null && INTEGER_TYPES.contains(types.getOrDefault(primaryColumn, ""))) {
			this.state.hit(LintRule.INTEGER_PRIMARY_KEY, primaryKey, table + "." + primaryColumn);
		}
	}

	private void dropTable(List<Token> t) {
		int i = skipIfExists(t, 2, false);
		for (List<Token> names : split(t, i, 0)) {
			Name table = name(names, 0);
			if (table != null && !this.state.created.contains(table.name())) {
				this.state.hit(LintRule.BREAKING_RENAME_OR_DROP, names.get(0), "DROP TABLE " + table.name());
				this.state.exclusive.putIfAbsent(table.name(), this.state.statement.offset());
			}
		}
	}

	private void lockTables(List<Token> t) {
		int i = (at(t, 1, "TABLE")) ? 2 : 1;
		int mode = t.size();
		for (int k = i; k < t.size(); k++) {
			if (t.get(k).is("IN") && t.get(k).depth() == 0) {
				mode = k;
				break;
			}
		}
		if (mode < t.size() && !(at(t, mode + 1, "ACCESS") && at(t, mode + 2, "EXCLUSIVE"))) {
			return;
		}
		for (List<Token> names : split(t.subList(0, mode), i, 0)) {
			Name table = name(names, at(names, 0, "ONLY") ? 1 : 0);
			if (table != null && !this.state.created.contains(table.name())) {
				this.state.exclusive.putIfAbsent(table.name(), this.state.statement.offset());
			}
		}
	}

	private static String firstWords(SqlStatement statement) {
		List<Token> tokens = LintTokens.of(statement.sql());
		StringBuilder words = new StringBuilder();
		for (int i = 0; i < Math.min(5, tokens.size()) && !tokens.get(i).quoted(); i++) {
			words.append((i > 0) ? " " : "").append(tokens.get(i).text());
			if (tokens.get(i).is("CONCURRENTLY")) {
				break;
			}
		}
		return words.toString();
	}

}
