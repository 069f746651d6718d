package dev.cairn.test;

/**
 * Starts a Testcontainers PostgreSQL when Testcontainers is on the class path and a
 * Docker engine answers; kept apart so that modules without Testcontainers never load its
 * classes.
 */
final class ContainerServer {

	private ContainerServer() {
	}

	static TestDatabase.Server startIfDockerAnswers() {
		try {
			Class.forName("org.testcontainers.DockerClientFactory", false, ContainerServer.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			return null;
		}
		return Docker.start();
	}

	private static final class Docker {

		static TestDatabase.Server start() {
			if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
				return null;
			}
			org.testcontainers.postgresql.PostgreSQLContainer container = new org.testcontainers.postgresql.PostgreSQLContainer(
					"postgres:15-alpine");
			container.start();
			String url = container.getJdbcUrl();
			String admin = url.substring(0, url.lastIndexOf('/') + 1) + "postgres";
			return new TestDatabase.Server("Testcontainers", admin, container.getUsername(), container.getPassword());
		}

	}

}
