package dev.cairn.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A proof that needs a client program the machine lacks fails and says what to install;
 * it never passes unseen.
 */
class PostgresClientTests {

	@Test
	void failsWithWhatToInstallWhenTheProgramIsMissing() {
		assertThatIllegalStateException().isThrownBy(() -> PostgresClient.run("cairn-missing-pg_dump", "--schema-only"))
			.withMessageStartingWith("cairn-missing-pg_dump is needed for this test and could not be run (Cannot run "
					+ "program \"cairn-missing-pg_dump\"")
			.withMessageEndingWith("). Install PostgreSQL's client programs, version 15 or newer (Debian and Ubuntu: "
					+ "apt-get install postgresql-client; macOS: brew install libpq) and put them on the PATH.");
	}

}
