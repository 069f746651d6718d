package dev.cairn.autoconfigure;

import dev.cairn.core.MigrationSnapshot;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @JdbcTest} runs the migrations, through the
 * {@code AutoConfigureDataSourceInitialization} imports.
 */
@JdbcTest(properties = "cairn.locations=classpath:scenarios/valid")
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class CairnJdbcTestSliceTests {

	@RegisterExtension
	static final TestDatabase database = new TestDatabase();

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private MigrationSnapshot snapshot;

	@DynamicPropertySource
	static void dataSource(DynamicPropertyRegistry registry) {
		database.registerAsDataSource(registry);
	}

	@Test
	void migrationsRanBeforeTheTest() {
		assertThat(this.jdbcTemplate.queryForList("SELECT name FROM users ORDER BY name", String.class))
			.containsExactly("Ada", "O'Brien; the second");
		assertThat(this.snapshot.status().current()).isEqualTo("3");
	}

	@SpringBootConfiguration
	static class SliceConfiguration {

	}

}
