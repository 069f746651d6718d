package dev.cairn.maven;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import dev.cairn.core.LintFinding;
import dev.cairn.core.LintRule;
import dev.cairn.core.MigrationCheck;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * Lints the migrations for statements that lock or rewrite busy tables (see
 * docs/lint.md), after checking them as {@code cairn:check} does; each finding names
 * {@code file:line:column}, the harm and the safe rewrite.
 */
@Mojo(name = "lint", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class LintMojo extends CairnMojo {

	/** Lowest severity that fails the build: {@code error} or {@code warning}. */
	@Parameter(property = "cairn.lint.fail-on", defaultValue = "error")
	String failOn = "error";

	/**
	 * Lint only migrations with a version above this one (and every repeatable
	 * migration): the last version already deployed, whose files can no longer change.
	 */
	@Parameter(property = "cairn.lint.since")
	@Nullable String since;

	@Override
	void run(MigrationLocations locations) throws IOException, MojoFailureException {
		LintRule.Severity threshold = threshold();
		MigrationCheck check = check(locations);
		List<LintFinding> findings;
		try {
			findings = check.lint(this.since);
		}
		catch (IllegalArgumentException ex) {
			throw new MojoFailureException("cairn.lint.since=" + this.since + " is not a version: write digits, "
					+ "optionally dotted, such as 5 or 1.2.");
		}
		int errors = 0;
		int failing = 0;
		for (LintFinding finding : findings) {
			boolean error = finding.rule().severity() == LintRule.Severity.ERROR;
			errors += error ? 1 : 0;
			if (error || threshold == LintRule.Severity.WARNING) {
				failing++;
				getLog().error(finding.describe());
			}
			else {
				getLog().warn(finding.describe());
			}
		}
		String scope = (this.since != null) ? " above version " + this.since : "";
		String summary = "Cairn lint" + scope + ": " + describe(errors, "error") + ", "
				+ describe(findings.size() - errors, "warning") + " in " + String.join(", ", locations.configured());
		if (failing > 0) {
			throw new MojoFailureException(summary + " (fail-on=" + this.failOn + "). Rewrite the statements as "
					+ "the findings say, or silence one with \"-- cairn:lint-ignore <rule> <reason>\" on the line "
					+ "above it.");
		}
		getLog().info(summary);
	}

	private LintRule.Severity threshold() throws MojoFailureException {
		try {
			return LintRule.Severity.valueOf(this.failOn.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new MojoFailureException("cairn.lint.fail-on=" + this.failOn + " is neither error nor warning.");
		}
	}

}
