package dev.cairn.test;

import java.util.List;

import dev.cairn.core.JavaMigration;
import dev.cairn.core.MigrationListener;
import dev.cairn.core.Migrator;
import dev.cairn.core.MigratorSettings;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What a template database is migrated with: the settings and the Java migrations.
 *
 * @param settings the migrator's settings
 * @param javaMigrations the migrations written in Java
 */
record TemplateRecipe(MigratorSettings settings, List<JavaMigration> javaMigrations) {

	TemplateRecipe {
		javaMigrations = List.copyOf(javaMigrations);
	}

	/**
	 * Returns a migrator on a data source whose URL is set once the template's name is
	 * known (the name comes from the migrator's own fingerprint).
	 */
	Migrator migrator(PGSimpleDataSource target) {
		return new Migrator(target, this.settings, MigrationListener.NONE, this.javaMigrations);
	}

}
