package dev.cairn.autoconfigure;

import dev.cairn.actuate.MigrationsEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hints a native image needs: the default location's files and the endpoint's JSON
 * types.
 */
class CairnRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registersTheMigrationFilesOfTheDefaultLocation() {
		new CairnRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource().forResource("db/migrations/001_initial_schema.sql"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("db/migrations/tenants/002_x.sql"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("db/other/001_x.sql")).rejects(this.hints);
	}

	@Test
	void registersTheTypesTheEndpointSerialises() {
		new CairnRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onType(MigrationsEndpoint.MigrationsDescriptor.class))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(MigrationsEndpoint.MigrationDescriptor.class))
			.accepts(this.hints);
	}

}
