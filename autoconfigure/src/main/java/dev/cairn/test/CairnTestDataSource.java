package dev.cairn.test;

import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.cairn.autoconfigure.CairnProperties;
import dev.cairn.core.JavaMigration;
import dev.cairn.core.MigratorSettings;
import org.jspecify.annotations.Nullable;
import org.postgresql.ds.PGSimpleDataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.util.ClassUtils;

/**
 * The {@code DataSource} of a test context under {@link AutoConfigureCairnDatabase}: a
 * pool on the current clone, replaced by a pool on a fresh clone at each refresh. The
 * first connection builds (or finds) the template, from the {@code cairn.*} properties
 * and the context's {@link JavaMigration} beans.
 */
public final class CairnTestDataSource extends DelegatingDataSource implements DisposableBean {

	private static final boolean HIKARI = ClassUtils.isPresent("com.zaxxer.hikari.HikariDataSource",
			CairnTestDataSource.class.getClassLoader());

	/** Boot's details from {@code spring.datasource.*}, a package-private class. */
	private static final String FROM_PROPERTIES = "org.springframework.boot.jdbc.autoconfigure.PropertiesJdbcConnectionDetails";

	private final ConfigurableListableBeanFactory beanFactory;

	private final ConfigurableEnvironment environment;

	private @Nullable Templates templates;

	private @Nullable String template;

	private @Nullable String clone;

	private @Nullable DataSource pool;

	private boolean used;

	private boolean failed;

	private String test = "";

	CairnTestDataSource(ConfigurableListableBeanFactory beanFactory, ConfigurableEnvironment environment) {
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	@Override
	public void afterPropertiesSet() {
		// The target comes with the first connection.
	}

	@Override
	protected synchronized DataSource obtainTargetDataSource() {
		if (this.pool == null) {
			Templates templates = Templates
				.on(TestServer.find(this.environment::getProperty, () -> connectionDetails(this.beanFactory)));
			MigratorSettings settings = Binder.get(this.environment)
				.bindOrCreate("cairn", CairnProperties.class)
				.toSettings();
			List<JavaMigration> javaMigrations = this.beanFactory.getBeanProvider(JavaMigration.class)
				.orderedStream()
				.toList();
			String template = templates.template(new TemplateRecipe(settings, javaMigrations));
			this.templates = templates;
			this.template = template;
			switchTo(templates.take(template));
		}
		return this.pool;
	}

	/**
	 * Returns the server a {@link JdbcConnectionDetails} bean of the context names (what
	 * {@code @ServiceConnection} on a PostgreSQL container registers, or a user's own),
	 * passing over the one Boot derives from {@code spring.datasource.*}, which names the
	 * application's database rather than a server for tests, and any that is not
	 * PostgreSQL.
	 * @param beanFactory the context's bean factory
	 * @return the server, or {@code null} if no such bean is there
	 */
	static @Nullable TestServer connectionDetails(ListableBeanFactory beanFactory) {
		for (String name : beanFactory.getBeanNamesForType(JdbcConnectionDetails.class)) {
			JdbcConnectionDetails details = beanFactory.getBean(name, JdbcConnectionDetails.class);
			String url = details.getJdbcUrl();
			if (!details.getClass().getName().equals(FROM_PROPERTIES) && url != null
					&& url.startsWith("jdbc:postgresql:")) {
				return new TestServer("the JdbcConnectionDetails bean '" + name + "'",
						TestServer.withCredentials(url, details.getUsername(), details.getPassword()));
			}
		}
		return null;
	}

	/**
	 * Returns the JDBC URL of the current database, making it if no connection has yet.
	 * @return the URL, with the server URL's credentials
	 */
	public synchronized String url() {
		obtainTargetDataSource();
		return this.templates.server().urlFor(this.clone);
	}

	synchronized void startTest(String test) {
		this.used = true;
		this.test = test;
	}

	synchronized void testFailed() {
		this.failed = true;
	}

	/** Swaps in a fresh database if a test ran on this one. */
	synchronized void refreshIfUsed() {
		if (this.used && this.pool != null) {
			String old = this.clone;
			DataSource oldPool = this.pool;
			switchTo(this.templates.take(this.template));
			close(oldPool);
			CairnDatabase.release(this.templates, old, this.failed, this.test);
			this.used = false;
			this.failed = false;
		}
	}

	@Override
	public synchronized void destroy() {
		if (this.pool != null) {
			close(this.pool);
			CairnDatabase.release(this.templates, this.clone, this.failed, this.test);
			this.pool = null;
			this.clone = null;
		}
	}

	private void switchTo(String clone) {
		String url = this.templates.server().urlFor(clone);
		this.clone = clone;
		this.pool = HIKARI ? Hikari.pool(url, clone) : simple(url);
		setTargetDataSource(this.pool);
	}

	private static DataSource simple(String url) {
		PGSimpleDataSource dataSource = new PGSimpleDataSource();
		dataSource.setURL(url);
		return dataSource;
	}

	private static void close(DataSource pool) {
		if (HIKARI) {
			Hikari.close(pool);
		}
	}

	/** Kept apart so that a class path without HikariCP never loads its classes. */
	private static final class Hikari {

		static DataSource pool(String url, String name) {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(url);
			pool.setPoolName(name);
			pool.setMaximumPoolSize(5);
			pool.setMinimumIdle(0);
			return pool;
		}

		static void close(DataSource pool) {
			if (pool instanceof HikariDataSource hikari) {
				hikari.close();
			}
		}

	}

}
