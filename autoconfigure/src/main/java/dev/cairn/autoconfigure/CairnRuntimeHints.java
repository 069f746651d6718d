package dev.cairn.autoconfigure;

import dev.cairn.core.MigrateResult;
import dev.cairn.core.MigrationInfo;
import dev.cairn.core.MigrationStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Tells a GraalVM native image what Cairn reads at run time: the migration files in the
 * default location and the types the endpoint's JSON is made from. Migrations in other
 * locations need a hint of the application's own
 * ({@code hints.resources().registerPattern("my/place/*.sql")}).
 */
class CairnRuntimeHints implements RuntimeHintsRegistrar {

	private static final MemberCategory[] CATEGORIES = { MemberCategory.INVOKE_DECLARED_CONSTRUCTORS,
			MemberCategory.INVOKE_PUBLIC_METHODS, MemberCategory.ACCESS_DECLARED_FIELDS };

	private static final String[] ENDPOINT_TYPES = { "MigrationsDescriptor", "Summary", "LastRun", "RunError",
			"MigrationDescriptor", "OperationResult", "Change", "OperationFailure" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern("db/migrations/*.sql").registerPattern("db/migrations/**/*.sql");
		for (Class<?> type : new Class<?>[] { MigrationInfo.class, MigrationStatus.class, MigrateResult.class }) {
			hints.reflection().registerType(type, CATEGORIES);
		}
		// By name: the endpoint's types exist only where Actuator is on the classpath.
		for (String type : ENDPOINT_TYPES) {
			hints.reflection()
				.registerTypeIfPresent(classLoader, "dev.cairn.actuate.MigrationsEndpoint$" + type, CATEGORIES);
		}
	}

}
