package dev.cairn.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cairn.core.MigrationException;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link CommandEnvironmentPostProcessor}.
 */
class CommandEnvironmentPostProcessorTests {

	private final CommandEnvironmentPostProcessor postProcessor = new CommandEnvironmentPostProcessor();

	@Test
	void leavesAnApplicationWithoutCommandAlone() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(
				environment.getPropertySources().contains(CommandEnvironmentPostProcessor.FORCED_PROPERTY_SOURCE_NAME))
			.isFalse();
		assertThat(environment.getProperty("spring.main.web-application-type")).isNull();
	}

	@Test
	void runsACommandWithoutWebServerBootTimeMigrationBannerOrEagerBeans() {
		MockEnvironment environment = new MockEnvironment().withProperty("cairn.command", "status");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.main.web-application-type")).isEqualTo("none");
		assertThat(environment.getProperty("cairn.mode")).isEqualTo("off");
		assertThat(environment.getProperty("spring.main.lazy-initialization")).isEqualTo("true");
		assertThat(environment.getProperty("spring.main.banner-mode")).isEqualTo("off");
		assertThat(environment.getProperty("logging.level.root")).isEqualTo("warn");
	}

	@Test
	void userSettingsWinOverTheDefaultsButNotOverTheWebTypeOrMode() {
		MockEnvironment environment = new MockEnvironment().withProperty("cairn.command", "migrate");
		environment.getPropertySources()
			.addFirst(new MapPropertySource("application.properties",
					Map.of("logging.level.root", "info", "spring.main.lazy-initialization", "false", "cairn.mode",
							"validate", "spring.main.web-application-type", "servlet")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("logging.level.root")).isEqualTo("info");
		assertThat(environment.getProperty("spring.main.lazy-initialization")).isEqualTo("false");
		assertThat(environment.getProperty("cairn.mode")).isEqualTo("off");
		assertThat(environment.getProperty("spring.main.web-application-type")).isEqualTo("none");
	}

	@Test
	void refusesACommandInAnAheadOfTimeProcessedApplicationBuiltWithoutOne() {
		MockEnvironment environment = new MockEnvironment().withProperty("cairn.command", "status");
		SpringProperties.setFlag(AotDetector.AOT_ENABLED);
		try {
			assertThatExceptionOfType(MigrationException.class)
				.isThrownBy(() -> this.postProcessor.postProcessEnvironment(environment, new SpringApplication()))
				.withMessage("cairn.command=status cannot run in this ahead-of-time processed application: its build "
						+ "fixed a context without Cairn's command runner, which would start a web server and migrate "
						+ "instead, so nothing was run. Run the command from the same jar on the JVM without "
						+ "-Dspring.aot.enabled=true (a native image cannot run commands): "
						+ "java -jar app.jar --cairn.command=status");
		}
		finally {
			SpringProperties.setProperty(AotDetector.AOT_ENABLED, null);
		}
		assertThat(
				environment.getPropertySources().contains(CommandEnvironmentPostProcessor.FORCED_PROPERTY_SOURCE_NAME))
			.isFalse();
	}

}
