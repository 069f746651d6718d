package dev.cairn.test;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * A PostgreSQL container for test databases, started once per JVM by Testcontainers when
 * it is on the class path and a Docker engine answers. The image is
 * {@value #DEFAULT_IMAGE} unless the system property {@value #IMAGE_PROPERTY} names
 * another; the container goes when the JVM ends. Kept apart so that a class path without
 * Testcontainers never loads its classes.
 */
final class DockerServer {

	static final String IMAGE_PROPERTY = "cairn.test.docker-image";

	static final String DEFAULT_IMAGE = "postgres:17-alpine";

	static final String NO_TESTCONTAINERS = "Testcontainers (org.testcontainers:testcontainers-postgresql) is not on "
			+ "the test class path";

	static final String NO_DOCKER = "no Docker engine answers Testcontainers";

	private static @Nullable Found found;

	private DockerServer() {
	}

	/**
	 * Starts the container on first use.
	 * @return the server, or why there is none
	 */
	static synchronized Found find() {
		if (found == null) {
			found = find(DockerServer.class.getClassLoader());
		}
		return found;
	}

	static Found find(@Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent("org.testcontainers.postgresql.PostgreSQLContainer", classLoader)) {
			return new Found(null, NO_TESTCONTAINERS);
		}
		return Container.start(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE));
	}

	static String startFailed(String image, Exception ex) {
		return "A Docker engine answers, but Testcontainers could not start the PostgreSQL container " + image + ": "
				+ ex.getMessage() + ". Name an image it can pull in -D" + IMAGE_PROPERTY + "=…, or set "
				+ TestServer.URL_VARIABLE + " (or " + TestServer.URL_PROPERTY + ") to a server of your own.";
	}

	/**
	 * The container's server, or why there is none.
	 *
	 * @param server the server, or {@code null}
	 * @param absence why there is no server, for the message that says none was found
	 */
	record Found(@Nullable TestServer server, String absence) {
	}

	private static final class Container {

		static Found start(String image) {
			if (!org.testcontainers.DockerClientFactory.instance().isDockerAvailable()) {
				return new Found(null, NO_DOCKER);
			}
			org.testcontainers.postgresql.PostgreSQLContainer container = new org.testcontainers.postgresql.PostgreSQLContainer(
					image);
			try {
				container.start();
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException(startFailed(image, ex), ex);
			}
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "cairn-test-container-stop"));
			String url = TestServer.withCredentials(container.getJdbcUrl(), container.getUsername(),
					container.getPassword());
			return new Found(new TestServer("Docker (" + image + ")", url), "");
		}

	}

}
