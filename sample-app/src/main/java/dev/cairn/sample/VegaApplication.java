package dev.cairn.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Vega scan tracker: a small service whose schema Cairn migrates on boot.
 */
@SpringBootApplication
public class VegaApplication {

	public static void main(String[] args) {
		SpringApplication.run(VegaApplication.class, args);
	}

}
