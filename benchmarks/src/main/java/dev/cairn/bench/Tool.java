package dev.cairn.bench;

/**
 * The runners compared, each with the table where it records what it applied.
 */
enum Tool {

	CAIRN("Cairn", "cairn_history"),

	FLYWAY("Flyway", "flyway_schema_history"),

	LIQUIBASE("Liquibase", "databasechangelog"),

	JDBC("plain JDBC", "jdbc_history"),

	PSQL("psql", "psql_history");

	final String label;

	final String historyTable;

	Tool(String label, String historyTable) {
		this.label = label;
		this.historyTable = historyTable;
	}

}
