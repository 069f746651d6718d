package dev.cairn.autoconfigure;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.core.MigratorSettings;
import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Honours an application's {@code spring.flyway.*} settings for the matching
 * {@code cairn.*} ones that are not set, so that switching from Flyway takes only the
 * dependency: locations, table (the history table to adopt), default schema,
 * placeholders, baseline on migrate, out of order, target, url, user, password and
 * enabled. Each one used is logged once.
 * <p>
 * With no location set at all, a project whose files are in Flyway's
 * {@code classpath:db/migration} and that has no {@code classpath:db/migrations} is
 * migrated from the former. The mapped values rank below every other property source, so
 * a {@code cairn.*} setting anywhere wins.
 */
class FlywayPropertiesEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "cairnFromFlyway";

	private static final String FLYWAY_LOCATION = "classpath:db/migration";

	private static final Map<String, String> SIMPLE = simple();

	private final Log logger;

	FlywayPropertiesEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(FlywayPropertiesEnvironmentPostProcessor.class);
	}

	private static Map<String, String> simple() {
		Map<String, String> simple = new LinkedHashMap<>();
		simple.put("spring.flyway.enabled", "cairn.enabled");
		simple.put("spring.flyway.table", "cairn.adopt-from");
		simple.put("spring.flyway.default-schema", "cairn.schema");
		simple.put("spring.flyway.out-of-order", "cairn.out-of-order");
		simple.put("spring.flyway.target", "cairn.target");
		simple.put("spring.flyway.url", "cairn.url");
		simple.put("spring.flyway.user", "cairn.user");
		simple.put("spring.flyway.password", "cairn.password");
		return simple;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		Map<String, Object> mapped = new LinkedHashMap<>();
		List<String> cairnLocations = binder.bind("cairn.locations", Bindable.listOf(String.class)).orElse(null);
		List<String> flywayLocations = binder.bind("spring.flyway.locations", Bindable.listOf(String.class))
			.orElse(null);
		if (cairnLocations == null && flywayLocations != null) {
			use(mapped, "spring.flyway.locations", "cairn.locations", String.join(",", flywayLocations));
		}
		else if (cairnLocations == null && onlyFlywaysDefaultLocation(application)) {
			mapped.put("cairn.locations", FLYWAY_LOCATION);
			this.logger.info("Cairn found no " + MigratorSettings.DEFAULT_LOCATION + ", but " + FLYWAY_LOCATION
					+ " holds Flyway migrations: using it for cairn.locations (set cairn.locations to choose)");
		}
		SIMPLE.forEach((flyway, cairn) -> {
			String value = binder.bind(flyway, String.class).orElse(null);
			if (value == null || binder.bind(cairn, String.class).isBound()) {
				return;
			}
			if (cairn.equals("cairn.target") && !value.matches("\\d+([._]\\d+)*")) {
				this.logger.warn("Cairn ignores " + flyway + "=" + value + ": only a version is a Cairn target");
				return;
			}
			use(mapped, flyway, cairn, cairn.equals("cairn.target") ? value.replace('_', '.') : value);
		});
		boolean baselineOnMigrate = binder.bind("spring.flyway.baseline-on-migrate", Boolean.class).orElse(false);
		if (baselineOnMigrate && !binder.bind("cairn.baseline-version", String.class).isBound()) {
			String version = binder.bind("spring.flyway.baseline-version", String.class).orElse("1");
			use(mapped, "spring.flyway.baseline-on-migrate=true and spring.flyway.baseline-version",
					"cairn" + ".baseline-version", version);
		}
		Map<String, String> placeholders = binder
			.bind("spring.flyway.placeholders", Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
		Map<String, String> cairnPlaceholders = binder
			.bind("cairn.placeholders", Bindable.mapOf(String.class, String.class))
			.orElse(Map.of());
		placeholders.forEach((name, value) -> {
			if (!cairnPlaceholders.containsKey(name)) {
				use(mapped, "spring.flyway.placeholders." + name, "cairn.placeholders." + name, value);
			}
		});
		if (!mapped.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, mapped));
		}
	}

	private void use(Map<String, Object> mapped, String flyway, String cairn, String value) {
		mapped.put(cairn, value);
		String shown = cairn.equals("cairn.password") ? "******" : value;
		this.logger.info("Cairn is using " + flyway + "=" + shown + " for " + cairn);
	}

	/**
	 * Tells whether Cairn's default location is absent and Flyway's holds Flyway-named
	 * files.
	 */
	private static boolean onlyFlywaysDefaultLocation(SpringApplication application) {
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(
				application.getClassLoader());
		try {
			for (Resource root : resolver.getResources("classpath*:db/migrations")) {
				if (root.exists()) {
					return false;
				}
			}
			return resolver.getResources("classpath*:db/migration/**/V*__*.sql").length > 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
