package dev.cairn.test;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Points {@code cairn.test.url} at the server {@link TestDatabase} found, so that
 * {@link CairnDatabase} and {@link AutoConfigureCairnDatabase} in the project's own tests
 * run where every other test runs (the embedded server in the JDK-only build). Use it as
 * {@code @ExtendWith(OnTestServer.class)}.
 */
public final class OnTestServer implements BeforeAllCallback {

	@Override
	public void beforeAll(ExtensionContext context) {
		System.setProperty(TestServer.URL_PROPERTY, TestDatabase.serverUrl());
	}

}
