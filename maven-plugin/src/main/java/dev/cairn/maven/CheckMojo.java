package dev.cairn.maven;

import java.io.IOException;

import dev.cairn.core.MigrationCheck;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Fails the build on everything Cairn would refuse before touching a database: bad names,
 * duplicate versions, encoding, missing or misplaced directives, psql meta-commands,
 * unterminated quotes or COPY data, transaction control; with the messages the
 * application would fail to start with.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends CairnMojo {

	@Override
	void run(MigrationLocations locations) throws IOException, MojoFailureException {
		MigrationCheck check = check(locations);
		getLog().info("Cairn would run all " + describe(check.fileCount(), "migration file") + " in "
				+ String.join(", ", locations.configured()) + " (from " + locations.origin() + ")");
	}

}
