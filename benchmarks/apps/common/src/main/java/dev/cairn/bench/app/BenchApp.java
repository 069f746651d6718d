package dev.cairn.bench.app;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A tiny JDBC app whose startup the benchmark times; built four times, with no migrator, Cairn, Flyway or
 * Liquibase on the classpath.
 */
@SpringBootApplication
public class BenchApp {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(BenchApp.class);
		application.addListeners((ApplicationListener<ApplicationReadyEvent>) event -> ready());
		application.run(args).close();
	}

	// Every variant talks to its database once before it is ready, as a real app would, so that the
	// baseline pays for the pool and driver too and the difference is the migrator alone.
	@Bean
	ApplicationRunner touchDatabase(JdbcTemplate jdbc) {
		return (args) -> jdbc.queryForObject("select 1", Integer.class);
	}

	private static void ready() {
		long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
		System.out.println("BENCH-READY uptimeMs=" + uptime + " vmHwmKb=" + status("VmHWM") + " vmRssKb="
				+ status("VmRSS"));
		System.out.flush();
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
