package dev.cairn.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Turns the application into a one-shot command when {@code cairn.command} is set: no web
 * server, no boot-time migration, and lazy beans, so that the application's own database
 * users (JPA, repositories, schedulers) are never created and cannot fail against a
 * schema the command is about to change.
 * <p>
 * The web application type and {@code cairn.mode} are forced, because a command must
 * neither serve traffic nor migrate before it runs. Lazy initialization, the banner and
 * the root log level are defaults: any property source the user set them in
 * (application.properties, the command line) wins.
 */
class CommandEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String FORCED_PROPERTY_SOURCE_NAME = "cairnCommand";

	static final String DEFAULTS_PROPERTY_SOURCE_NAME = "cairnCommandDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!StringUtils.hasText(environment.getProperty("cairn.command"))) {
			return;
		}
		environment.getPropertySources()
			.addFirst(new MapPropertySource(FORCED_PROPERTY_SOURCE_NAME,
					Map.of("spring.main.web-application-type", "none", "cairn.mode", "off")));
		environment.getPropertySources()
			.addLast(new MapPropertySource(DEFAULTS_PROPERTY_SOURCE_NAME,
					Map.of("spring.main.lazy-initialization", "true", "spring.main.banner-mode", "off",
							"logging.level.root", "warn", "logging.level.dev.cairn.core.TenantMigrations", "info")));
	}

}
