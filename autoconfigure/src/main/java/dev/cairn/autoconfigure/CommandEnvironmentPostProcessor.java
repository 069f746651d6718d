package dev.cairn.autoconfigure;

import java.util.Map;

import dev.cairn.core.MigrationException;

import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;
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
 * <p>
 * An ahead-of-time processed application keeps the context its build saw; unless that
 * build had {@code cairn.command} set, it holds no command runner and would start a web
 * server and migrate instead, so the command is refused before anything runs.
 */
class CommandEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String FORCED_PROPERTY_SOURCE_NAME = "cairnCommand";

	static final String DEFAULTS_PROPERTY_SOURCE_NAME = "cairnCommandDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String command = environment.getProperty("cairn.command");
		if (!StringUtils.hasText(command)) {
			return;
		}
		if (AotDetector.useGeneratedArtifacts()
				&& !ClassUtils.isPresent(CairnCommandAutoConfiguration.class.getName() + "__BeanDefinitions",
						application.getClassLoader())) {
			throw new MigrationException("cairn.command=" + command
					+ " cannot run in this ahead-of-time processed application: its build fixed a context without "
					+ "Cairn's command runner, which would start a web server and migrate instead, so nothing was run. "
					+ "Run the command from the same jar on the JVM without -Dspring.aot.enabled=true "
					+ "(a native image cannot run commands): java -jar app.jar --cairn.command=" + command);
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
