package dev.cairn.core;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Reads the leading keywords of a statement, skipping whitespace and comments between
 * them, to tell what kind of statement it is.
 */
final class SqlKeywords {

	private final String sql;

	private int pos;

	private SqlKeywords(String sql) {
		this.sql = sql;
	}

	static @Nullable String transactionControl(String sql) {
		SqlKeywords keywords = new SqlKeywords(sql);
		String first = keywords.next();
		if (first == null) {
			return null;
		}
		String second = keywords.next();
		return switch (first) {
			case "BEGIN", "END", "ABORT", "SAVEPOINT" -> first;
			case "START" -> "TRANSACTION".equals(second) ? "START TRANSACTION" : null;
			case "PREPARE" -> "TRANSACTION".equals(second) ? "PREPARE TRANSACTION" : null;
			case "RELEASE" -> "RELEASE SAVEPOINT";
			case "COMMIT" -> "PREPARED".equals(second) ? "COMMIT PREPARED" : "COMMIT";
			case "ROLLBACK" -> {
				if ("PREPARED".equals(second)) {
					yield "ROLLBACK PREPARED";
				}
				boolean to = "TO".equals(second)
						|| (("WORK".equals(second) || "TRANSACTION".equals(second)) && "TO".equals(keywords.next()));
				yield to ? "ROLLBACK TO SAVEPOINT" : "ROLLBACK";
			}
			default -> null;
		};
	}

	/**
	 * Returns what follows {@code BEGIN [WORK | TRANSACTION]} or
	 * {@code START TRANSACTION}.
	 */
	static String transactionModes(String sql) {
		SqlKeywords keywords = new SqlKeywords(sql);
		keywords.next();
		int modes = keywords.pos;
		String second = keywords.next();
		if ("WORK".equals(second) || "TRANSACTION".equals(second)) {
			modes = keywords.pos;
		}
		return sql.substring(modes).strip();
	}

	/**
	 * Tells whether a statement surely returns no rows, so that it may go into a JDBC
	 * batch (where a result set is an error). Conservative: anything that might return
	 * rows, or that the batch cannot carry, says no.
	 */
	static boolean returnsNoRows(SqlStatement statement) {
		if (statement.copyData() != null) {
			return false;
		}
		String first = new SqlKeywords(statement.sql()).next();
		if (first == null) {
			return false;
		}
		return switch (first) {
			case "CREATE", "ALTER", "DROP", "COMMENT", "GRANT", "REVOKE", "TRUNCATE", "DO", "SET", "RESET", "LOCK",
					"REFRESH", "SECURITY", "ANALYZE" ->
				true;
			case "INSERT", "UPDATE", "DELETE", "MERGE" ->
				!statement.sql().toUpperCase(Locale.ROOT).contains("RETURNING");
			default -> false;
		};
	}

	static @Nullable String outsideTransactionOnly(String sql) {
		SqlKeywords keywords = new SqlKeywords(sql);
		String first = keywords.next();
		String second = keywords.next();
		if (first == null || second == null) {
			return "VACUUM".equals(first) ? first : null;
		}
		return switch (first) {
			case "VACUUM" -> first;
			case "ALTER" -> "SYSTEM".equals(second) ? "ALTER SYSTEM" : null;
			case "CREATE", "DROP" -> {
				if ("DATABASE".equals(second) || "TABLESPACE".equals(second)) {
					yield first + " " + second;
				}
				boolean unique = first.equals("CREATE") && "UNIQUE".equals(second);
				String index = unique ? keywords.next() : second;
				yield ("INDEX".equals(index) && "CONCURRENTLY".equals(keywords.next()))
						? first + (unique ? " UNIQUE" : "") + " INDEX CONCURRENTLY" : null;
			}
			case "REINDEX" -> {
				String kind = "(".equals(second) ? keywords.next() : second;
				if ("CONCURRENTLY".equals(keywords.next())) {
					yield "REINDEX CONCURRENTLY";
				}
				// These reindex table by table, committing as they go.
				yield ("SCHEMA".equals(kind) || "SYSTEM".equals(kind) || "DATABASE".equals(kind)) ? "REINDEX " + kind
						: null;
			}
			default -> null;
		};
	}

	/**
	 * Returns the next keyword in upper case, "(" for a parenthesised list, or null at
	 * anything else.
	 */
	private @Nullable String next() {
		while (this.pos < this.sql.length()) {
			char c = this.sql.charAt(this.pos);
			if (SqlChars.isSpace(c)) {
				this.pos++;
			}
			else if (this.sql.startsWith("--", this.pos)) {
				while (this.pos < this.sql.length() && this.sql.charAt(this.pos) != '\n'
						&& this.sql.charAt(this.pos) != '\r') {
					this.pos++;
				}
			}
			else if (this.sql.startsWith("/*", this.pos)) {
				int end = SqlChars.blockCommentEnd(this.sql, this.pos);
				this.pos = (end < 0) ? this.sql.length() : end;
			}
			else if (c == '(') {
				skipParentheses();
				return "(";
			}
			else if (SqlChars.isIdentifierStart(c)) {
				int from = this.pos;
				this.pos = SqlChars.identifierEnd(this.sql, from);
				return this.sql.substring(from, this.pos).toUpperCase(Locale.ROOT);
			}
			else {
				return null;
			}
		}
		return null;
	}

	private void skipParentheses() {
		int depth = 0;
		do {
			char c = this.sql.charAt(this.pos++);
			depth += (c == '(') ? 1 : (c == ')') ? -1 : 0;
		}
		while (depth > 0 && this.pos < this.sql.length());
	}

}
