package dev.cairn.sample;

import org.springframework.boot.SpringApplication;

/**
 * Starts the tracker against a PostgreSQL container
 * ({@code ./mvnw -pl sample-app spring-boot:test-run}; needs Docker).
 */
public class TestVegaApplication {

	public static void main(String[] args) {
		SpringApplication.from(VegaApplication::main).with(TestcontainersConfiguration.class).run(args);
	}

}
