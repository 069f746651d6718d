package dev.cairn.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.boot.sql.init.dependency.DatabaseInitializerDetector;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SPIs Boot loads from {@code META-INF/spring.factories} find Cairn's
 * implementations.
 */
class SpringFactoriesTests {

	private final SpringFactoriesLoader loader = SpringFactoriesLoader.forDefaultResourceLocation();

	@Test
	void registersTheDatabaseInitializerDetector() {
		assertThat(this.loader.load(DatabaseInitializerDetector.class))
			.hasAtLeastOneElementOfType(MigrationInitializerDatabaseInitializerDetector.class);
	}

	@Test
	void registersTheFailureAnalyzer() {
		// Boot's own analyzers want constructor arguments this test does not have; skip
		// them.
		FailureHandler skip = (factoryType, factoryImplementationName, failure) -> {
		};
		assertThat(this.loader.load(FailureAnalyzer.class, null, skip))
			.hasAtLeastOneElementOfType(MigrationFailureAnalyzer.class);
	}

	@Test
	void registersTheDatabaseUrlEnvironmentPostProcessor() {
		ArgumentResolver arguments = ArgumentResolver.of(DeferredLogFactory.class, new DeferredLogs());
		assertThat(this.loader.load(EnvironmentPostProcessor.class, arguments))
			.hasAtLeastOneElementOfType(DatabaseUrlEnvironmentPostProcessor.class);
	}

	@Test
	void registersTheCommandEnvironmentPostProcessor() {
		ArgumentResolver arguments = ArgumentResolver.of(DeferredLogFactory.class, new DeferredLogs());
		assertThat(this.loader.load(EnvironmentPostProcessor.class, arguments))
			.hasAtLeastOneElementOfType(CommandEnvironmentPostProcessor.class);
	}

	@Test
	void registersTheFlywayPropertiesEnvironmentPostProcessor() {
		ArgumentResolver arguments = ArgumentResolver.of(DeferredLogFactory.class, new DeferredLogs());
		assertThat(this.loader.load(EnvironmentPostProcessor.class, arguments))
			.hasAtLeastOneElementOfType(FlywayPropertiesEnvironmentPostProcessor.class);
	}

}
