package dev.cairn.core;

import java.util.List;
import java.util.Set;

import dev.cairn.core.LintTokens.Name;
import dev.cairn.core.LintTokens.Token;

import static dev.cairn.core.LintTokens.at;
import static dev.cairn.core.LintTokens.containsPair;
import static dev.cairn.core.LintTokens.containsWord;
import static dev.cairn.core.LintTokens.name;
import static dev.cairn.core.LintTokens.skipIfExists;
import static dev.cairn.core.LintTokens.split;

/**
 * Reads one {@code ALTER TABLE} for the {@link Linter}: each comma-separated action, what
 * it risks on an existing table, and whether it takes an {@code ACCESS EXCLUSIVE} lock.
 */
final class AlterTableLint {

	private static final Set<String> SERIAL_TYPES = Set.of("SERIAL", "SERIAL2", "SERIAL4", "SERIAL8", "SMALLSERIAL",
			"BIGSERIAL");

	private static final Set<String> VOLATILE_FUNCTIONS = Set.of("RANDOM", "GEN_RANDOM_UUID", "UUID_GENERATE_V1",
			"UUID_GENERATE_V1MC", "UUID_GENERATE_V4", "UUIDV4", "UUIDV7", "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL",
			"TXID_CURRENT");

	private static final Set<String> COLUMN_CONSTRAINTS = Set.of("CONSTRAINT", "NOT", "NULL", "CHECK", "DEFAULT",
			"GENERATED", "UNIQUE", "PRIMARY", "REFERENCES", "COLLATE");

	private final LintState linter;

	AlterTableLint(LintState linter) {
		this.linter = linter;
	}

	void read(List<Token> t) {
		int i = skipIfExists(t, 2, false);
		if (at(t, i, "ONLY")) {
			i++;
		}
		Name table = name(t, i);
		if (table == null || at(t, i, "ALL")) {
			return;
		}
		i = at(t, table.next(), "*") ? table.next() + 1 : table.next();
		boolean existing = !this.linter.created.contains(table.name());
		boolean locksExclusively = false;
		for (List<Token> action : split(t, i, 0)) {
			locksExclusively |= alterAction(action, table.name(), existing);
		}
		if (existing && locksExclusively) {
			this.linter.exclusive.putIfAbsent(table.name(), this.linter.statement.offset());
		}
	}

	/**
	 * Reads one action of an ALTER TABLE and tells whether it takes an ACCESS EXCLUSIVE
	 * lock.
	 */
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
				if (!column && k < a.size() && !a.get(k).quoted()
						&& LintState.TABLE_CONSTRAINTS.contains(a.get(k).text())) {
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
					if (existing && !this.linter.validated.contains(table)) {
						this.linter.hit(LintRule.SET_NOT_NULL, head, table);
					}
				}
				else if (at(a, k + 1, "TYPE") || (at(a, k + 1, "SET") && at(a, k + 2, "DATA"))) {
					int type = at(a, k + 1, "TYPE") ? k + 2 : k + 4;
					if (existing) {
						this.linter.hit(LintRule.COLUMN_TYPE_REWRITE, head, column);
					}
					if (at(a, type, "JSON")) {
						this.linter.hit(LintRule.JSON_COLUMN, a.get(type), column);
					}
				}
				return !(at(a, k + 1, "SET") && at(a, k + 2, "STATISTICS"));
			}
			case "DROP" -> {
				if (!at(a, 1, "CONSTRAINT") && existing) {
					int k = skipIfExists(a, at(a, 1, "COLUMN") ? 2 : 1, false);
					if (k < a.size()) {
						this.linter.hit(LintRule.BREAKING_RENAME_OR_DROP, head,
								"DROP COLUMN " + table + "." + a.get(k).name());
					}
				}
				return true;
			}
			case "RENAME" -> {
				if (existing && at(a, 1, "TO")) {
					this.linter.hit(LintRule.BREAKING_RENAME_OR_DROP, head, "Renaming table " + table);
				}
				else if (existing && !at(a, 1, "CONSTRAINT") && a.size() > 1) {
					Token column = a.get(at(a, 1, "COLUMN") ? 2 : 1);
					this.linter.hit(LintRule.BREAKING_RENAME_OR_DROP, head,
							"Renaming column " + table + "." + column.name());
				}
				return true;
			}
			case "VALIDATE" -> {
				this.linter.validated.add(table);
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
				this.linter.hit(LintRule.ADD_FOREIGN_KEY_VALIDATED, a.get(0), table);
			}
			return false;
		}
		if (at(a, k, "CHECK") && existing && !notValid) {
			this.linter.hit(LintRule.ADD_CHECK_VALIDATED, a.get(0), table);
		}
		if ((at(a, k, "UNIQUE") || at(a, k, "PRIMARY")) && existing && !containsPair(a, "USING", "INDEX")) {
			this.linter.hit(LintRule.ADD_UNIQUE_CONSTRAINT, a.get(0), table);
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
			this.linter.hit(LintRule.JSON_COLUMN, type, column);
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
			this.linter.hit(LintRule.ADD_COLUMN_REWRITE, a.get(0), column);
		}
		if (containsWord(a, "REFERENCES")) {
			this.linter.hit(LintRule.ADD_FOREIGN_KEY_VALIDATED, a.get(0), table);
		}
		if (containsWord(a, "CHECK")) {
			this.linter.hit(LintRule.ADD_CHECK_VALIDATED, a.get(0), table);
		}
		if (containsWord(a, "UNIQUE") || containsPair(a, "PRIMARY", "KEY")) {
			this.linter.hit(LintRule.ADD_UNIQUE_CONSTRAINT, a.get(0), table);
		}
	}

}
