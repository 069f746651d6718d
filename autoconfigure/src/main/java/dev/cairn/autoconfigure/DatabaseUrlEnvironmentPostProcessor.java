package dev.cairn.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.StringUtils;

/**
 * Maps a libpq connection URI in {@code DATABASE_URL} (as Heroku, Render, Railway, Fly.io
 * and most PaaS set it:
 * {@code postgresql://user:password@host:5432/database?sslmode=require}) to
 * {@code spring.datasource.url}, {@code username} and {@code password}, when
 * {@code spring.datasource.url} is not set.
 * <p>
 * The mapped values rank just below the operating system environment: command-line
 * arguments, system properties and {@code SPRING_DATASOURCE_*} variables still win,
 * {@code application.properties} does not.
 */
class DatabaseUrlEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "cairnDatabaseUrl";

	private static final String VARIABLE = "DATABASE_URL";

	private static final String EXPECTED = "expected postgresql://user:password@host:5432/database?sslmode=require"
			+ " (postgres:// works too; percent-encode special characters in the user and password)";

	private final Log logger;

	DatabaseUrlEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(DatabaseUrlEnvironmentPostProcessor.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String value = environment.getProperty(VARIABLE);
		if (!StringUtils.hasText(value) || StringUtils.hasText(environment.getProperty("spring.datasource.url"))) {
			return;
		}
		value = value.strip();
		if (value.startsWith("jdbc:")) {
			add(environment, Map.of("spring.datasource.url", value));
			return;
		}
		int schemeEnd = value.indexOf("://");
		String scheme = (schemeEnd > 0) ? value.substring(0, schemeEnd) : "";
		if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
			if (scheme.matches("[A-Za-z][A-Za-z0-9+.-]*")) {
				this.logger.warn(VARIABLE + " is not a PostgreSQL URL (scheme '" + scheme + "'); Cairn ignores it");
				return;
			}
			throw invalid("it does not start with postgresql://");
		}
		add(environment, map(value.substring(schemeEnd + 3)));
	}

	private static Map<String, Object> map(String rest) {
		int queryStart = rest.indexOf('?');
		String query = (queryStart >= 0) ? rest.substring(queryStart + 1) : "";
		String beforeQuery = (queryStart >= 0) ? rest.substring(0, queryStart) : rest;
		int at = beforeQuery.lastIndexOf('@');
		String userInfo = (at >= 0) ? beforeQuery.substring(0, at) : null;
		String afterUserInfo = beforeQuery.substring(at + 1);
		int slash = afterUserInfo.indexOf('/');
		String hosts = (slash >= 0) ? afterUserInfo.substring(0, slash) : afterUserInfo;
		String database = (slash >= 0) ? afterUserInfo.substring(slash + 1) : "";
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url",
				"jdbc:postgresql://" + hosts(hosts) + "/" + database(database) + parameters(query));
		if (userInfo != null) {
			int colon = userInfo.indexOf(':');
			String user = decode((colon >= 0) ? userInfo.substring(0, colon) : userInfo, "user");
			if (!user.isEmpty()) {
				properties.put("spring.datasource.username", user);
			}
			if (colon >= 0) {
				properties.put("spring.datasource.password", decode(userInfo.substring(colon + 1), "password"));
			}
		}
		return properties;
	}

	private static String hosts(String hosts) {
		if (hosts.isEmpty()) {
			throw invalid("it names no host");
		}
		StringBuilder jdbc = new StringBuilder();
		for (String hostAndPort : hosts.split(",", -1)) {
			String host = hostAndPort;
			String port = "5432";
			int portStart = hostAndPort.startsWith("[") ? hostAndPort.indexOf("]:") + 1 : hostAndPort.lastIndexOf(':');
			if (portStart > 0) {
				host = hostAndPort.substring(0, portStart);
				port = hostAndPort.substring(portStart + 1);
			}
			if (host.isEmpty() || !host.matches("[A-Za-z0-9._~%-]+|\\[[0-9A-Fa-f:.]+]")) {
				throw invalid("'" + host + "' is not a host name");
			}
			if (!port.matches("\\d{1,5}")) {
				throw invalid("the port of host '" + host + "' is not a number");
			}
			jdbc.append((jdbc.isEmpty()) ? "" : ",").append(host).append(':').append(port);
		}
		return jdbc.toString();
	}

	private static String database(String database) {
		if (database.contains("/")) {
			throw invalid("the path after the host must be a single database name");
		}
		return database;
	}

	private static String parameters(String query) {
		if (query.isEmpty()) {
			return "";
		}
		StringBuilder jdbc = new StringBuilder();
		for (String parameter : query.split("&")) {
			if (parameter.isEmpty()) {
				continue;
			}
			// libpq spells two common parameters differently from pgjdbc; the rest
			// (sslmode, ...) are the same.
			String mapped = parameter.replaceFirst("^connect_timeout=", "connectTimeout=")
				.replaceFirst("^application_name=", "ApplicationName=");
			jdbc.append((jdbc.isEmpty()) ? "?" : "&").append(mapped);
		}
		return jdbc.toString();
	}

	private static String decode(String text, String part) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '%') {
				bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
				continue;
			}
			int high = (i + 2 < text.length()) ? Character.digit(text.charAt(i + 1), 16) : -1;
			int low = (i + 2 < text.length()) ? Character.digit(text.charAt(i + 2), 16) : -1;
			if (high < 0 || low < 0) {
				throw invalid("the " + part + " has a '%' that is not followed by two hex digits");
			}
			bytes.write(high * 16 + low);
			i += 2;
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static void add(ConfigurableEnvironment environment, Map<String, Object> properties) {
		MutablePropertySources sources = environment.getPropertySources();
		MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE_NAME, properties);
		String environmentVariables = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
		if (sources.contains(environmentVariables)) {
			sources.addAfter(environmentVariables, source);
		}
		else {
			sources.addLast(source);
		}
	}

	private static IllegalStateException invalid(String reason) {
		return new IllegalStateException(VARIABLE + " is not a valid PostgreSQL connection URI: " + reason + "; "
				+ EXPECTED + ". Fix or unset " + VARIABLE + ", or set spring.datasource.url instead.");
	}

}
