package dev.cairn.test;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Swaps a fresh database under the context of a test class under
 * {@link AutoConfigureCairnDatabase} when its refresh mode says so. It runs before
 * {@code TransactionalTestExecutionListener} (order 4000), so that a test-managed
 * transaction begins on the new database, and it notes failures for
 * {@code cairn.test.keep-failed}.
 */
public final class CairnDatabaseTestExecutionListener extends AbstractTestExecutionListener {

	@Override
	public int getOrder() {
		return 3900;
	}

	@Override
	public void beforeTestClass(TestContext testContext) {
		if (annotation(testContext) != null && testContext.hasApplicationContext()) {
			CairnTestDataSource dataSource = dataSource(testContext);
			if (dataSource != null) {
				dataSource.refreshIfUsed();
			}
		}
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		AutoConfigureCairnDatabase annotation = annotation(testContext);
		CairnTestDataSource dataSource = (annotation != null) ? dataSource(testContext) : null;
		if (dataSource != null) {
			if (annotation.refresh() == AutoConfigureCairnDatabase.Refresh.AFTER_EACH_TEST_METHOD) {
				dataSource.refreshIfUsed();
			}
			dataSource
				.startTest(testContext.getTestClass().getSimpleName() + "_" + testContext.getTestMethod().getName());
		}
	}

	@Override
	public void afterTestMethod(TestContext testContext) {
		if (testContext.getTestException() != null && annotation(testContext) != null) {
			CairnTestDataSource dataSource = dataSource(testContext);
			if (dataSource != null) {
				dataSource.testFailed();
			}
		}
	}

	private static @Nullable AutoConfigureCairnDatabase annotation(TestContext testContext) {
		return TestContextAnnotationUtils.findMergedAnnotation(testContext.getTestClass(),
				AutoConfigureCairnDatabase.class);
	}

	private static @Nullable CairnTestDataSource dataSource(TestContext testContext) {
		return testContext.getApplicationContext().getBeanProvider(CairnTestDataSource.class).getIfAvailable();
	}

}
