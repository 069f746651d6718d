package dev.cairn.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import dev.cairn.core.JavaMigration;
import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * A JUnit 5 extension that gives each test method (or, with {@link #perClass()}, each
 * test class) a fresh PostgreSQL database with every migration applied, cloned in
 * milliseconds from a template database that is migrated once:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static CairnDatabase db = CairnDatabase.forLocations("classpath:db/migrations");
 * </pre>
 *
 * The server is found as {@link TestServer} says. With
 * {@code cairn.test.keep-failed=true} (a system property) or
 * {@code CAIRN_TEST_KEEP_FAILED=true}, the database of a failed test is kept and its URL
 * logged.
 */
public final class CairnDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private static final Logger logger = LoggerFactory.getLogger(CairnDatabase.class);

	private final TemplateRecipe recipe;

	private final boolean perClass;

	private final CloneDataSource dataSource = new CloneDataSource();

	private @Nullable Templates templates;

	private @Nullable String template;

	private @Nullable String clone;

	private boolean failed;

	private CairnDatabase(TemplateRecipe recipe, boolean perClass) {
		this.recipe = recipe;
		this.perClass = perClass;
	}

	/**
	 * Migrates the template from migration files with the default settings.
	 * @param locations where the files are, such as {@code classpath:db/migrations}
	 * @return the extension, one database per test method
	 */
	public static CairnDatabase forLocations(String... locations) {
		return forSettings(MigratorSettings.builder().locations(locations).build());
	}

	/**
	 * Migrates the template with the given settings.
	 * @param settings the settings, as the application's migrator has them
	 * @return the extension, one database per test method
	 */
	public static CairnDatabase forSettings(MigratorSettings settings) {
		return forSettings(settings, List.of());
	}

	/**
	 * Migrates the template with the given settings and Java migrations.
	 * @param settings the settings, as the application's migrator has them
	 * @param javaMigrations the migrations written in Java
	 * @return the extension, one database per test method
	 */
	public static CairnDatabase forSettings(MigratorSettings settings, List<JavaMigration> javaMigrations) {
		return new CairnDatabase(new TemplateRecipe(settings, javaMigrations), false);
	}

	/**
	 * Migrates the template as a migrator would, with its settings and Java migrations;
	 * the migrator's own data source is never used.
	 * @param migrator the migrator, as the application builds it
	 * @return the extension, one database per test method
	 */
	public static CairnDatabase forMigrator(Migrator migrator) {
		return forSettings(migrator.settings(), migrator.javaMigrations());
	}

	/**
	 * Returns an extension that gives the whole test class one database; register it on a
	 * static field.
	 * @return the extension, one database per test class
	 */
	public CairnDatabase perClass() {
		return new CairnDatabase(this.recipe, true);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.perClass) {
			open();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (!this.perClass || this.clone == null) {
			open();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.failed |= context.getExecutionException().isPresent();
		if (!this.perClass) {
			close(context.getDisplayName());
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.failed |= context.getExecutionException().isPresent();
		if (this.perClass) {
			close(context.getRequiredTestClass().getSimpleName());
		}
	}

	/**
	 * Returns a data source for the current test's database; it follows each new
	 * database, so it may be kept in a field. Each connection is a new session.
	 * @return the data source
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Returns the JDBC URL of the current test's database.
	 * @return the URL, with the server URL's credentials
	 */
	public String url() {
		return templates().server().urlFor(name());
	}

	/**
	 * Returns the name of the current test's database.
	 * @return the name
	 */
	public String name() {
		if (this.clone == null) {
			throw new IllegalStateException(CloneDataSource.OUTSIDE);
		}
		return this.clone;
	}

	private void open() {
		Templates templates = templates();
		if (this.template == null) {
			this.template = templates.template(this.recipe);
		}
		this.clone = templates.take(this.template);
		this.failed = false;
		this.dataSource.point(templates.server().urlFor(this.clone));
	}

	private void close(String test) {
		String name = this.clone;
		if (name == null) {
			return;
		}
		this.clone = null;
		this.dataSource.point(null);
		release(templates(), name, this.failed, test);
	}

	static void release(Templates templates, String name, boolean failed, String test) {
		if (failed && keepFailed()) {
			String kept = templates.keep(name, test);
			logger.warn("Kept the database of the failed test {}: {} (drop it with DROP DATABASE {})", test,
					TestServer.redact(templates.server().urlFor(kept)), kept);
		}
		else {
			templates.drop(name);
		}
	}

	static boolean keepFailed() {
		String value = System.getProperty("cairn.test.keep-failed", System.getenv("CAIRN_TEST_KEEP_FAILED"));
		return Boolean.parseBoolean(value);
	}

	private Templates templates() {
		if (this.templates == null) {
			this.templates = Templates.on(TestServer.find());
		}
		return this.templates;
	}

	/** Connections to whichever database the current test has. */
	private static final class CloneDataSource extends AbstractDataSource {

		static final String OUTSIDE = "CairnDatabase has no database outside a test: it makes one before each test "
				+ "method, or before all of them with perClass()";

		private volatile @Nullable PGSimpleDataSource target;

		void point(@Nullable String url) {
			if (url == null) {
				this.target = null;
				return;
			}
			PGSimpleDataSource target = new PGSimpleDataSource();
			target.setURL(url);
			this.target = target;
		}

		@Override
		public Connection getConnection() throws SQLException {
			return target().getConnection();
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			return target().getConnection(username, password);
		}

		private PGSimpleDataSource target() {
			PGSimpleDataSource target = this.target;
			if (target == null) {
				throw new IllegalStateException(OUTSIDE);
			}
			return target;
		}

	}

}
