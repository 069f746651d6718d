package dev.cairn.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points the application's {@code DataSource} in a Spring test ({@code @SpringBootTest},
 * {@code @JdbcTest}, {@code @DataJpaTest} and the other slices) at a fresh clone of a
 * template database migrated from the application's own Cairn settings and Java
 * migrations. It replaces Boot's embedded-database replacement, so a slice needs no
 * {@code @AutoConfigureTestDatabase}. A refresh swaps the database under the same
 * application context; the server is found as {@link TestServer} says.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureCairnDatabase {

	/**
	 * When the test class gets a fresh database.
	 * @return the refresh mode
	 */
	Refresh refresh() default Refresh.AFTER_CLASS;

	/**
	 * When a fresh database replaces the one the tests used.
	 */
	enum Refresh {

		/** Before each test method that follows another: every method has its own. */
		AFTER_EACH_TEST_METHOD,

		/** Before each test class that follows another on the same context. */
		AFTER_CLASS

	}

}
