package dev.cairn.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.cairn.test.TestDatabase;

/**
 * Property values that point a prefix such as {@code spring.datasource} at a test
 * database.
 */
final class TestDatabaseProperties {

	private TestDatabaseProperties() {
	}

	static String[] of(String prefix, TestDatabase database) {
		List<String> properties = new ArrayList<>();
		properties.add(prefix + ".url=" + database.url());
		if (database.username() != null) {
			properties.add(prefix + ".username=" + database.username());
		}
		if (database.password() != null) {
			properties.add(prefix + ".password=" + database.password());
		}
		return properties.toArray(String[]::new);
	}

}
