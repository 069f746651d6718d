package dev.cairn.autoconfigure;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Runs the {@code cairn.command} once the context has started and ends the JVM with the
 * command's exit code.
 * <p>
 * It listens for {@link ApplicationStartedEvent} rather than being an
 * {@code ApplicationRunner}: Spring Boot creates every runner bean (with the repositories
 * and entity managers they need) before calling the first one, and those must not be
 * created against a schema the command is about to change or has just rolled back.
 */
public class MigrationCommandRunner implements ApplicationListener<ApplicationStartedEvent> {

	private final MigrationCommand command;

	MigrationCommandRunner(MigrationCommand command) {
		this.command = command;
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		int code = this.command.run();
		System.exit(SpringApplication.exit(event.getApplicationContext(), () -> code));
	}

}
