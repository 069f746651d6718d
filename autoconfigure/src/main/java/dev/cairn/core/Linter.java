package dev.cairn.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.cairn.core.LintTokens.Token;
import org.jspecify.annotations.Nullable;

/**
 * Lints one parsed migration file, statement by statement, remembering which tables the file itself created (those
 * are new and empty, so nothing done to them can hurt) and which existing tables it locks exclusively.
 * <p>
 * Each statement is read as tokens and matched against the few shapes that lock or rewrite a busy table for long:
 * {@code CREATE INDEX}, {@code ALTER TABLE} with its comma-separated actions, {@code DROP TABLE}, {@code TRUNCATE},
 * {@code LOCK}, {@code VACUUM} and {@code CLUSTER}. Then findings silenced by {@code -- cairn:lint-ignore} comments
 * above the statement, or at the top of the file, are dropped.
 */
final class Linter {

	private static final Set<String> INTEGER_TYPES = Set.of("INT", "INTEGER", "INT4", "SERIAL", "SERIAL4", "SMALLINT",
			"INT2", "SMALLSERIAL", "SERIAL2");

	private static final Set<String> SERIAL_TYPES = Set.of("SERIAL", "SERIAL2", "SERIAL4", "SERIAL8", "SMALLSERIAL",
			"BIGSERIAL");

	private static final Set<String> VOLATILE_FUNCTIONS = Set.of("RANDOM", "GEN_RANDOM_UUID", "UUID_GENERATE_V1",
			"UUID_GENERATE_V1MC", "UUID_GENERATE_V4", "UUIDV4", "UUIDV7", "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL",
			"TXID_CURRENT");

	private static final Set<String> TABLE_CONSTRAINTS = Set.of("CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN",
			"EXCLUDE");

	private static final Set<String> COLUMN_CONSTRAINTS = Set.of("CONSTRAINT", "NOT", "NULL", "CHECK", "DEFAULT",
			"GENERATED", "UNIQUE", "PRIMARY", "REFERENCES", "COLLATE");

	private final SqlScript script;

	private final LintIgnores ignores;

	private final Set<String> created = new HashSet<>();

	private final Set<String> validated = new HashSet<>();

	private final Map<String, Integer> exclusive = new LinkedHashMap<>();

	private final List<Integer> concurrent = new ArrayList<>();

	private final List<LintFinding> findings = new ArrayList<>();

	private final Map<Integer, SqlStatement> byOffset = new HashMap<>();

	private SqlStatement statement;

	private Linter(SqlScript script) {
		this.script = script;
		this.ignores = LintIgnores.of(script, this.findings);
		this.statement = new SqlStatement("", 0, 1, 1, null);
	}

	static List<LintFinding> lint(SqlScript script) {
		Linter linter = new Linter(script);
		for (SqlStatement statement : script.statements()) {
			linter.statement = statement;
			linter.byOffset.put(statement.offset(), statement);
			linter.read(LintTokens.of(statement.sql()));
		}
		linter.acrossStatements();
		linter.findings.sort((a, b) -> (a.line() != b.line()) ? Integer.compare(a.line(), b.line())
				: Integer.compare(a.column(), b.column()));
		return linter.findings;
	}

	private void acrossStatements() {
		if (this.script.transactional() && this.exclusive.size() > 1) {
			int second = List.copyOf(this.exclusive.values()).get(1);
			SqlStatement at = this.byOffset.get(second);
			List<String> tables = List.copyOf(this.exclusive.keySet());
			String named = String.join(", ", tables.subList(0, tables.size() - 1)) + " and " + tables.get(tables.size() - 1);
			report(LintRule.MANY_EXCLUSIVE_LOCKS, at, second, named);
		}
		if (!this.script.transactional() && this.script.statements().size() > 1) {
			for (int offset : this.concurrent) {
				SqlStatement at = this.byOffset.get(offset);
				report(LintRule.CONCURRENT_WITH_OTHERS, at, offset, firstWords(at));
			}
		}
	}

	private void read(List<Token> tokens) {
		if (tokens.isEmpty()) {
			return;
		}
		for (Token token : tokens) {
			if (token.depth() == 0 && token.is("CONCURRENTLY")) {
				this.concurrent.add(this.statement.offset());
				break;
			}
		}
		String first = tokens.get(0).text();
		switch (first) {
			case "CREATE" -> create(tokens);
			case "ALTER" -> {
				if (at(tokens, 1, "TABLE")) {
					alterTable(tokens);
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
						hit(LintRule.VACUUM_FULL_OR_CLUSTER, tokens.get(0), "VACUUM FULL");
						break;
					}
				}
			}
			case "CLUSTER" -> hit(LintRule.VACUUM_FULL_OR_CLUSTER, tokens.get(0), "CLUSTER");
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
			// Created here, so ALTER TABLE on them (as pg_dump writes for OWNER TO) locks nothing anyone uses yet.
			Name created = name(t, skipIfExists(t, i + 1, true));
			if (created != null) {
				this.created.add(created.name);
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
			this.created.add(table.name);
			if (at(t, table.next, "(")) {
				columns(t, table.next, table.name);
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
				if (table != null && !this.created.contains(table.name)) {
					hit(LintRule.CREATE_INDEX_NOT_CONCURRENT, t.get(0), table.name);
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
			if (!head.quoted() && (TABLE_CONSTRAINTS.contains(head.text()) || head.is("LIKE"))) {
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
				hit(LintRule.JSON_COLUMN, type, table + "." + column);
			}
			if (INTEGER_TYPES.contains(type.text()) && !type.quoted() && containsPair(element, "PRIMARY", "KEY")) {
				hit(LintRule.INTEGER_PRIMARY_KEY, head, table + "." + column);
			}
		}
		if (primaryKey != null && INTEGER_TYPES.contains(types.getOrDefault(primaryColumn, ""))) {
			hit(LintRule.INTEGER_PRIMARY_KEY, primaryKey, table + "." + primaryColumn);
		}
	}

	private void alterTable(List<Token> t) {
		int i = skipIfExists(t, 2, false);
		if (at(t, i, "ONLY")) {
			i++;
		}
		Name table = name(t, i);
		if (table == null || at(t, i, "ALL")) {
			return;
		}
		i = at(t, table.next, "*") ? table.next + 1 : table.next;
		boolean existing = !this.created.contains(table.name);
		boolean locksExclusively = false;
		for (List<Token> action : split(t, i, 0)) {
			locksExclusively |= alterAction(action, table.name, existing);
		}
		if (existing && locksExclusively) {
			this.exclusive.putIfAbsent(table.name, this.statement.offset());
		}
	}

	/** Reads one action of an ALTER TABLE and tells whether it takes an ACCESS EXCLUSIVE lock. */
	private boolean alterAction(List<Token> a, String table, boolean existing) {
		Token head = a.get(0);
		switch (head.text()) {
			case "ADD" -> {
				int k = 1;
				boolean column = at(a, k, "COLUMN");
				if (column) {
					k++;
				}
				k = skipIfExists(a, k, true);
				if (!column && k < a.size() && !a.get(k).quoted() && TABLE_CONSTRAINTS.contains(a.get(k).text())) {
					return addConstraint(a, at(a, k, "CONSTRAINT") ? k + 2 : k, table, existing);
				}
				addColumn(a, k, table, existing);
				return true;
			}
			case "ALTER" -> {
				int k = at(a, 1, "COLUMN") ? 2 : 1;
				if (k >= a.size()) {
					return true;
				}
				String column = table + "." + a.get(k).name();
				if (at(a, k + 1, "SET") && at(a, k + 2, "NOT") && at(a, k + 3, "NULL")) {
					if (existing && !this.validated.contains(table)) {
						hit(LintRule.SET_NOT_NULL, head, table);
					}
				}
				else if (at(a, k + 1, "TYPE") || (at(a, k + 1, "SET") && at(a, k + 2, "DATA"))) {
					int type = at(a, k + 1, "TYPE") ? k + 2 : k + 4;
					if (existing) {
						hit(LintRule.COLUMN_TYPE_REWRITE, head, column);
					}
					if (at(a, type, "JSON")) {
						hit(LintRule.JSON_COLUMN, a.get(type), column);
					}
				}
				return !(at(a, k + 1, "SET") && at(a, k + 2, "STATISTICS"));
			}
			case "DROP" -> {
				if (!at(a, 1, "CONSTRAINT") && existing) {
					int k = skipIfExists(a, at(a, 1, "COLUMN") ? 2 : 1, false);
					if (k < a.size()) {
						hit(LintRule.BREAKING_RENAME_OR_DROP, head, "DROP COLUMN " + table + "." + a.get(k).name());
					}
				}
				return true;
			}
			case "RENAME" -> {
				if (existing && at(a, 1, "TO")) {
					hit(LintRule.BREAKING_RENAME_OR_DROP, head, "Renaming table " + table);
				}
				else if (existing && !at(a, 1, "CONSTRAINT") && a.size() > 1) {
					Token column = a.get(at(a, 1, "COLUMN") ? 2 : 1);
					hit(LintRule.BREAKING_RENAME_OR_DROP, head, "Renaming column " + table + "." + column.name());
				}
				return true;
			}
			case "VALIDATE" -> {
				this.validated.add(table);
				return false;
			}
			case "CLUSTER", "ATTACH", "DETACH" -> {
				return false;
			}
			case "ENABLE", "DISABLE" -> {
				return !at(a, 1, "TRIGGER");
			}
			case "SET" -> {
				return !at(a, 1, "WITHOUT");
			}
			default -> {
				return true;
			}
		}
	}

	private boolean addConstraint(List<Token> a, int k, String table, boolean existing) {
		boolean notValid = containsPair(a, "NOT", "VALID");
		if (at(a, k, "FOREIGN")) {
			if (existing && !notValid) {
				hit(LintRule.ADD_FOREIGN_KEY_VALIDATED, a.get(0), table);
			}
			return false;
		}
		if (at(a, k, "CHECK") && existing && !notValid) {
			hit(LintRule.ADD_CHECK_VALIDATED, a.get(0), table);
		}
		if ((at(a, k, "UNIQUE") || at(a, k, "PRIMARY")) && existing && !containsPair(a, "USING", "INDEX")) {
			hit(LintRule.ADD_UNIQUE_CONSTRAINT, a.get(0), table);
		}
		return true;
	}

	private void addColumn(List<Token> a, int k, String table, boolean existing) {
		if (k + 1 >= a.size()) {
			return;
		}
		String column = table + "." + a.get(k).name();
		Token type = a.get(k + 1);
		if (type.is("JSON")) {
			hit(LintRule.JSON_COLUMN, type, column);
		}
		if (!existing) {
			return;
		}
		boolean rewrites = SERIAL_TYPES.contains(type.text()) && !type.quoted();
		boolean inDefault = false;
		for (int i = k + 2; i < a.size(); i++) {
			Token token = a.get(i);
			if (token.depth() == 0 && !token.quoted() && COLUMN_CONSTRAINTS.contains(token.text())) {
				inDefault = token.is("DEFAULT");
			}
			if (token.depth() == 0 && (token.is("IDENTITY") || token.is("STORED"))) {
				rewrites = true;
			}
			if (inDefault && !token.quoted() && VOLATILE_FUNCTIONS.contains(token.text()) && at(a, i + 1, "(")) {
				rewrites = true;
			}
		}
		if (rewrites) {
			hit(LintRule.ADD_COLUMN_REWRITE, a.get(0), column);
		}
		if (containsWord(a, "REFERENCES")) {
			hit(LintRule.ADD_FOREIGN_KEY_VALIDATED, a.get(0), table);
		}
		if (containsWord(a, "CHECK")) {
			hit(LintRule.ADD_CHECK_VALIDATED, a.get(0), table);
		}
		if (containsWord(a, "UNIQUE") || containsPair(a, "PRIMARY", "KEY")) {
			hit(LintRule.ADD_UNIQUE_CONSTRAINT, a.get(0), table);
		}
	}

	private void dropTable(List<Token> t) {
		int i = skipIfExists(t, 2, false);
		for (List<Token> names : split(t, i, 0)) {
			Name table = name(names, 0);
			if (table != null && !this.created.contains(table.name)) {
				hit(LintRule.BREAKING_RENAME_OR_DROP, names.get(0), "DROP TABLE " + table.name);
				this.exclusive.putIfAbsent(table.name, this.statement.offset());
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
			if (table != null && !this.created.contains(table.name)) {
				this.exclusive.putIfAbsent(table.name, this.statement.offset());
			}
		}
	}

	private void hit(LintRule rule, Token token, String subject) {
		report(rule, this.statement, this.statement.offset() + token.start(), subject);
	}

	private void report(LintRule rule, SqlStatement at, int offset, String subject) {
		if (this.ignores.silences(rule, at)) {
			return;
		}
		SqlScript.Position position = this.script.position(offset);
		this.findings.add(new LintFinding(rule, this.script.name(), position.line(), position.column(),
				position.excerpt(), rule.harm(subject)));
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

	private static boolean at(List<Token> tokens, int index, String word) {
		return index < tokens.size() && tokens.get(index).is(word);
	}

	private static int skipIfExists(List<Token> t, int i, boolean not) {
		if (not && at(t, i, "IF") && at(t, i + 1, "NOT") && at(t, i + 2, "EXISTS")) {
			return i + 3;
		}
		return (!not && at(t, i, "IF") && at(t, i + 1, "EXISTS")) ? i + 2 : i;
	}

	private static boolean containsWord(List<Token> tokens, String word) {
		for (Token token : tokens) {
			if (token.depth() == 0 && token.is(word)) {
				return true;
			}
		}
		return false;
	}

	private static boolean containsPair(List<Token> tokens, String first, String second) {
		for (int i = 0; i + 1 < tokens.size(); i++) {
			if (tokens.get(i).is(first) && tokens.get(i + 1).is(second)) {
				return true;
			}
		}
		return false;
	}

	/** Splits tokens from {@code from} on the commas at {@code depth}, ending at a closing parenthesis above it. */
	private static List<List<Token>> split(List<Token> tokens, int from, int depth) {
		List<List<Token>> parts = new ArrayList<>();
		List<Token> part = new ArrayList<>();
		for (int i = from; i < tokens.size(); i++) {
			Token token = tokens.get(i);
			if (token.depth() < depth) {
				break;
			}
			if (token.depth() == depth && token.is(",")) {
				parts.add(part);
				part = new ArrayList<>();
			}
			else {
				part.add(token);
			}
		}
		parts.add(part);
		parts.removeIf(List::isEmpty);
		return parts;
	}

	/** Reads a possibly schema-qualified name and keeps its last part, which is what tables are told apart by. */
	private static @Nullable Name name(List<Token> t, int i) {
		if (i >= t.size() || !isName(t.get(i))) {
			return null;
		}
		String name = t.get(i).name();
		int next = i + 1;
		while (at(t, next, ".") && next + 1 < t.size() && isName(t.get(next + 1))) {
			name = t.get(next + 1).name();
			next += 2;
		}
		return new Name(name, next);
	}

	private static boolean isName(Token token) {
		char c = token.text().isEmpty() ? ' ' : token.text().charAt(0);
		return token.quoted() || SqlLexer.isIdentifierStart(c);
	}

	private record Name(String name, int next) {

	}

}
