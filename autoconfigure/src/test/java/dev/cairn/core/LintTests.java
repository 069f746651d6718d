package dev.cairn.core;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lint rules, one pair of scenario folders per rule under
 * {@code src/test/resources/scenarios/lint/}: {@code <rule>-bad/} finds exactly what its
 * {@code expected.txt} says (run with {@code -Dcairn.record=true} to write a missing one,
 * then read it), and {@code <rule>-ok/} holds the safe rewrites, which find nothing.
 */
class LintTests {

	@Test
	void everyRuleHasABadAndAnOkScenario() throws Exception {
		List<String> folders = scenarios().collect(Collectors.toList());
		for (LintRule rule : LintRule.values()) {
			assertThat(folders).contains(rule.id() + "-bad", rule.id() + "-ok");
		}
	}

	@ParameterizedTest
	@MethodSource("scenarios")
	void findsExactlyWhatTheScenarioExpects(String scenario) throws Exception {
		Path folder = root().resolve(scenario);
		List<LintFinding> findings = lint(folder);
		String found = findings.stream().map(LintFinding::describe).collect(Collectors.joining("\n\n"));
		if (scenario.endsWith("-ok")) {
			assertThat(found).as(scenario).isEmpty();
			return;
		}
		String rule = scenario.substring(0, scenario.length() - "-bad".length());
		assertThat(findings).extracting((finding) -> finding.rule().id()).as(scenario).contains(rule);
		Path expected = folder.resolve("expected.txt");
		if (!Files.exists(expected) && Boolean.getBoolean("cairn.record")) {
			Files.writeString(Path.of("src/test/resources/scenarios/lint", scenario, "expected.txt"), found + "\n");
		}
		assertThat(expected).as("expected.txt of " + scenario + "; lint found:\n" + found).exists();
		assertThat(found + "\n").isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
	}

	@Test
	void summaryIsOneLineWithFileLineAndRule() {
		LintFinding finding = Lint.lint("007_add_notes.sql", "-- notes\nCREATE INDEX notes_idx ON notes (body);\n")
			.get(0);
		assertThat(finding.summary()).isEqualTo("007_add_notes.sql:2: create-index-not-concurrent (error): CREATE "
				+ "INDEX without CONCURRENTLY on existing table notes blocks every write to it until the index is "
				+ "built.");
	}

	@Test
	void readsStatementsThroughQuotesAndComments() {
		List<LintFinding> findings = Lint.lint("001_x.sql", """
				INSERT INTO notes (body) VALUES ('CREATE INDEX a ON b (c); ALTER TABLE t SET NOT NULL');
				DO $$ BEGIN EXECUTE 'CREATE INDEX a ON b (c)'; END $$;
				/* CREATE INDEX x ON y (z); */ SELECT E'\\' CREATE INDEX' AS "CREATE INDEX";
				""");
		assertThat(findings).isEmpty();
	}

	static Stream<String> scenarios() throws IOException, URISyntaxException {
		try (Stream<Path> folders = Files.list(root())) {
			return folders.filter(Files::isDirectory)
				.map((path) -> path.getFileName().toString())
				.sorted()
				.toList()
				.stream();
		}
	}

	static List<LintFinding> lint(Path folder) throws IOException {
		List<LintFinding> findings = new ArrayList<>();
		Path[] files;
		try (Stream<Path> list = Files.list(folder)) {
			files = list.filter((path) -> path.toString().endsWith(".sql")).sorted().toArray(Path[]::new);
		}
		for (Path file : Arrays.asList(files)) {
			findings.addAll(Lint.lint(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
		}
		return findings;
	}

	private static Path root() throws URISyntaxException {
		return Path.of(LintTests.class.getResource("/scenarios/lint").toURI());
	}

}
