package dev.cairn.maven;

import java.io.File;
import java.io.IOException;
import java.util.List;

import dev.cairn.core.MigrationCheck;
import dev.cairn.core.MigrationException;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * What the goals share: the project's migration locations and reading them as a run
 * would.
 */
abstract class CairnMojo extends AbstractMojo {

	/**
	 * Migration locations, instead of the project's own {@code cairn.locations} (from
	 * {@code src/main/resources/application.properties} or {@code .yml}) or the default
	 * {@code classpath:db/migrations}.
	 */
	@Parameter(property = "cairn.locations")
	@Nullable List<String> locations;

	/**
	 * The project's main resources folder, where {@code classpath:} locations are read
	 * from.
	 */
	@Parameter(defaultValue = "${project.basedir}/src/main/resources", required = true)
	File resources;

	@Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
	File basedir;

	/** Whether to skip the goal. */
	@Parameter(property = "cairn.skip", defaultValue = "false")
	boolean skip;

	@Override
	public final void execute() throws MojoExecutionException, MojoFailureException {
		if (this.skip) {
			getLog().info("Skipping Cairn (cairn.skip=true)");
			return;
		}
		try {
			run(MigrationLocations.of(this.basedir.toPath(), this.resources.toPath(), this.locations));
		}
		catch (IOException ex) {
			throw new MojoExecutionException("Cannot read the migrations: " + ex.getMessage(), ex);
		}
	}

	abstract void run(MigrationLocations locations) throws IOException, MojoFailureException;

	/**
	 * Reads every file as a run would, failing the build with the run's messages on
	 * anything it would refuse.
	 */
	MigrationCheck check(MigrationLocations locations) throws IOException, MojoFailureException {
		MigrationCheck check = MigrationCheck.of(locations.forEngine(), locations.classLoader());
		List<MigrationException> problems = check.problems();
		if (!problems.isEmpty()) {
			for (MigrationException problem : problems) {
				getLog().error(problem.getMessage());
			}
			throw new MojoFailureException("Cairn would refuse to run " + describe(problems.size(), "problem") + " in "
					+ String.join(", ", locations.configured()) + " (from " + locations.origin()
					+ "); see the messages above.");
		}
		return check;
	}

	static String describe(int count, String noun) {
		return count + " " + noun + ((count == 1) ? "" : "s");
	}

}
