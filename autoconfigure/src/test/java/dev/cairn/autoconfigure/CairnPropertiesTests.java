package dev.cairn.autoconfigure;

import dev.cairn.core.MigratorSettings;
import dev.cairn.core.TenantSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CairnProperties}.
 */
class CairnPropertiesTests {

	@Test
	void defaultsMatchTheEngine() {
		assertThat(new CairnProperties().toSettings()).isEqualTo(MigratorSettings.defaults());
	}

	@Test
	void tenantDefaultsMatchTheEngine() {
		assertThat(new CairnProperties().getTenants().toSettings(TenantSettings.DEFAULT_PARALLELISM, null))
			.isEqualTo(TenantSettings.defaults());
	}

	@Test
	void eachDefaultMatchesTheEngine() {
		CairnProperties properties = new CairnProperties();
		MigratorSettings defaults = MigratorSettings.defaults();
		assertThat(properties.getLocations()).isEqualTo(defaults.locations());
		assertThat(properties.getTable()).isEqualTo(defaults.table());
		assertThat(properties.getSchema()).isEqualTo(defaults.schema());
		assertThat(properties.isCreateSchema()).isEqualTo(defaults.createSchema());
		assertThat(properties.getLockTimeout()).isEqualTo(defaults.lockTimeout());
		assertThat(properties.getLockRetries()).isEqualTo(defaults.lockRetries()).isNull();
		assertThat(properties.getLockRetryBudget()).isEqualTo(defaults.lockRetryBudget());
		assertThat(properties.getConcurrentWaitTimeout()).isEqualTo(defaults.concurrentWaitTimeout());
		assertThat(properties.isKeepAppliedText()).isEqualTo(defaults.keepAppliedText()).isTrue();
		assertThat(properties.getStatementTimeout()).isEqualTo(defaults.statementTimeout());
		assertThat(properties.getLockWaitTimeout()).isEqualTo(defaults.lockWaitTimeout());
		assertThat(properties.isOutOfOrder()).isEqualTo(defaults.outOfOrder());
		assertThat(properties.isIgnoreMissing()).isEqualTo(defaults.ignoreMissing());
		assertThat(properties.getTarget()).isEqualTo(defaults.target());
		assertThat(properties.getBaselineVersion()).isEqualTo(defaults.baselineVersion());
		assertThat(properties.getLint()).isEqualTo(defaults.lint());
		assertThat(properties.getPlaceholders()).isEqualTo(defaults.placeholders());
		assertThat(properties.getAdoptFrom()).isEqualTo(defaults.adoptFrom());
	}

	@Test
	void runsMigrationsByDefault() {
		CairnProperties properties = new CairnProperties();
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getMode()).isEqualTo(CairnProperties.Mode.MIGRATE);
	}

}
