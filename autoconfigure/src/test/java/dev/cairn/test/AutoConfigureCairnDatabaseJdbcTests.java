package dev.cairn.test;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @JdbcTest} with only {@code @AutoConfigureCairnDatabase}: no
 * {@code @AutoConfigureTestDatabase}, no URL, and a migrated database of its own.
 */
@ExtendWith(OnTestServer.class)
@JdbcTest(properties = "cairn.locations=classpath:scenarios/valid")
@AutoConfigureCairnDatabase
class AutoConfigureCairnDatabaseJdbcTests {

	@Autowired
	private JdbcTemplate jdbc;

	@Autowired
	private DataSource dataSource;

	@Test
	void theSliceGetsAMigratedCloneInsteadOfAnEmbeddedDatabase() {
		assertThat(this.jdbc.queryForList("SELECT name FROM users ORDER BY name", String.class)).containsExactly("Ada",
				"O'Brien; the second");
		assertThat(this.jdbc.queryForObject("SELECT current_database()", String.class)).startsWith("cairn_clone_");
		assertThat(this.dataSource).isInstanceOf(CairnTestDataSource.class);
		assertThat(((CairnTestDataSource) this.dataSource).url()).contains("/cairn_clone_");
	}

	@SpringBootConfiguration
	static class SliceConfiguration {

	}

}
