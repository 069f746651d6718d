package dev.cairn.sample;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker on a PostgreSQL container wired through {@code @ServiceConnection}; skipped
 * without Docker (the same behaviour is covered by {@link VegaApplicationTests} on any
 * PostgreSQL).
 */
@SpringBootTest
@Import(TestcontainersConfiguration.class)
@Testcontainers(disabledWithoutDocker = true)
class VegaApplicationContainerTests {

	@Autowired
	private JdbcClient jdbc;

	@Test
	void migratesTheContainerDatabase() {
		assertThat(this.jdbc.sql("SELECT count(*) FROM cairn_history").query(Integer.class).single()).isEqualTo(6);
	}

}
