package dev.cairn.bench.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.metrics.StartupStep;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A tiny JDBC app whose startup the benchmark times; built four times, with no migrator,
 * Cairn, Flyway or Liquibase on the classpath.
 */
@SpringBootApplication
public class BenchApp {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(BenchApp.class);
		// -Dbench.steps=true: record startup steps and print the slowest bean creations
		// at ready (profiling only;
		// the recording costs time and memory itself, so timed runs leave it off).
		BufferingApplicationStartup steps = Boolean.getBoolean("bench.steps") ? new BufferingApplicationStartup(20000)
				: null;
		if (steps != null) {
			application.setApplicationStartup(steps);
		}
		application.addListeners((ApplicationListener<ApplicationReadyEvent>) event -> ready(steps));
		application.run(args).close();
	}

	// Every variant talks to its database once before it is ready, as a real app would,
	// so that the
	// baseline pays for the pool and driver too and the difference is the migrator alone.
	@Bean
	ApplicationRunner touchDatabase(JdbcTemplate jdbc) {
		return (args) -> jdbc.queryForObject("select 1", Integer.class);
	}

	private static void ready(BufferingApplicationStartup steps) {
		long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
		System.out.println("BENCH-READY uptimeMs=" + uptime + " vmHwmKb=" + status("VmHWM") + " vmRssKb="
				+ status("VmRSS") + " classes=" + ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
		if (steps != null) {
			List<TimelineEvent> events = new ArrayList<>(steps.getBufferedTimeline().getEvents());
			events.sort(Comparator.comparing(TimelineEvent::getDuration).reversed());
			events.stream()
				.filter((event) -> event.getStartupStep().getName().equals("spring.beans.instantiate")
						|| event.getStartupStep().getName().startsWith("cairn"))
				.limit(12)
				.forEach((event) -> System.out.println("BENCH-STEP " + event.getDuration().toMillis() + " "
						+ event.getStartupStep().getName() + " " + tags(event.getStartupStep())));
		}
		System.out.flush();
	}

	private static String tags(StartupStep step) {
		StringBuilder tags = new StringBuilder();
		step.getTags().forEach((tag) -> tags.append(tag.getKey()).append('=').append(tag.getValue()).append(' '));
		return tags.toString().trim();
	}

	private static long status(String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith(field + ":")) {
					return Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
		}
		catch (IOException ex) {
			// Not Linux: memory is reported as -1.
		}
		return -1;
	}

}
