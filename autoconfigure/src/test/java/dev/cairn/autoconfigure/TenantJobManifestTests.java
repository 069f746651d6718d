package dev.cairn.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.cairn.core.Migrator;
import dev.cairn.core.TenantMigrations;
import dev.cairn.test.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes Indexed Job in {@code docs/tenants.md}, read from the page: each of its
 * pods runs the command with the Job's arguments and its {@code JOB_COMPLETION_INDEX},
 * and together they migrate every tenant exactly once.
 */
class TenantJobManifestTests {

	private static final Pattern YAML = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);

	private static final List<String> TENANTS = IntStream.rangeClosed(1, 12).mapToObj("t%02d"::formatted).toList();

	@RegisterExtension
	final TestDatabase database = new TestDatabase();

	@Test
	@SuppressWarnings("unchecked")
	void theDocumentedJobMigratesEveryTenantOnceAcrossItsPods() throws Exception {
		Map<String, Object> job = manifest();
		assertThat(job).containsEntry("kind", "Job").containsEntry("apiVersion", "batch/v1");
		Map<String, Object> spec = (Map<String, Object>) job.get("spec");
		assertThat(spec).containsEntry("completionMode", "Indexed");
		int completions = (Integer) spec.get("completions");
		Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
		assertThat(pod).containsEntry("restartPolicy", "Never");
		Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
		List<String> args = (List<String>) container.get("args");
		assertThat(args).contains("--cairn.command=migrate", "--cairn.tenants.shards=" + completions);
		assertThat((List<Map<String, Object>>) container.get("env")).extracting((env) -> env.get("name"))
			.contains("DATABASE_URL");
		List<String> migrated = new ArrayList<>();
		for (int index = 0; index < completions; index++) {
			migrated.addAll(runPod(args, index));
		}
		assertThat(migrated).containsExactlyInAnyOrderElementsOf(TENANTS);
		JdbcTemplate jdbc = new JdbcTemplate(this.database.dataSource());
		for (String tenant : TENANTS) {
			assertThat(jdbc.queryForList("SELECT version FROM " + tenant + ".cairn_history ORDER BY installed_rank",
					String.class))
				.as(tenant)
				.containsExactly("1", "2", "3");
		}
		assertThat(jdbc.queryForObject("SELECT count(*) FROM cairn_history", Integer.class)).isEqualTo(1);
	}

	/**
	 * Runs one pod of the Job: the command with the Job's arguments, on the test
	 * database, and returns the tenants its table lists as migrated.
	 */
	private List<String> runPod(List<String> args, int index) {
		List<String> properties = new ArrayList<>();
		for (String arg : args) {
			properties.add(arg.substring(2));
		}
		properties.add("JOB_COMPLETION_INDEX=" + index);
		properties.add("cairn.mode=off");
		properties.add("cairn.locations=classpath:scenarios/tenants/main");
		properties.add("cairn.tenants.locations=classpath:scenarios/tenants/fleet");
		properties.add("cairn.tenants.schemas=" + String.join(",", TENANTS));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		List<String> migrated = new ArrayList<>();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, CairnAutoConfiguration.class,
					CairnTenantAutoConfiguration.class))
			.withPropertyValues(TestDatabaseProperties.of("spring.datasource", this.database))
			.withPropertyValues(properties.toArray(String[]::new))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
				int code = new MigrationCommand(context.getBean(CairnProperties.class),
						() -> context.getBean(Migrator.class), () -> context.getBean(TenantMigrations.class), print,
						print)
					.run();
				assertThat(code).as("pod %d printed:%n%s", index, out).isZero();
			});
		Matcher row = Pattern.compile("(?m)^(t\\d\\d) +MIGRATED ").matcher(out.toString(StandardCharsets.UTF_8));
		while (row.find()) {
			migrated.add(row.group(1));
		}
		assertThat(migrated).as("pod %d migrates its shard", index).isNotEmpty();
		return migrated;
	}

	private static Map<String, Object> manifest() throws Exception {
		String page = Files.readString(Path.of("../docs/tenants.md"), StandardCharsets.UTF_8);
		Matcher block = YAML.matcher(page);
		while (block.find()) {
			if (block.group(1).contains("kind: Job")) {
				return new Yaml().load(block.group(1));
			}
		}
		throw new AssertionError("docs/tenants.md has no ```yaml block with a Job");
	}

}
