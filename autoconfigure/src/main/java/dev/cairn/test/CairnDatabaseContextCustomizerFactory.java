package dev.cairn.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Replaces the application's {@code DataSource} with a {@link CairnTestDataSource} in a
 * test class under {@link AutoConfigureCairnDatabase}.
 * <p>
 * The replacement runs after every bean definition is registered, Boot's
 * {@code @AutoConfigureTestDatabase} replacement included, so that whichever definition
 * is there (the auto-configured pool, an embedded database, a user's bean) gives way.
 */
public final class CairnDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureCairnDatabase.class) ? new Customizer()
				: null;
	}

	/** One for every annotated class, so that they share a cached context. */
	private static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			// Cairn migrates the test database, never the one in the application's own
			// cairn.url.
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("cairnTestDatabase",
						Map.of("cairn.url", "", "cairn.user", "", "cairn.password", "")));
			context.addBeanFactoryPostProcessor(new Replacer(context));
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Customizer;
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

	private record Replacer(ConfigurableApplicationContext context) implements BeanFactoryPostProcessor {

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
			BeanDefinitionRegistry registry = (BeanDefinitionRegistry) beanFactory;
			List<String> candidates = new ArrayList<>();
			for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
				if (beanFactory.containsBeanDefinition(name) && isCandidate(beanFactory.getBeanDefinition(name))) {
					candidates.add(name);
				}
			}
			String name = "dataSource";
			if (!candidates.contains(name) && candidates.size() == 1) {
				name = candidates.get(0);
			}
			else if (!candidates.contains(name)) {
				name = candidates.stream()
					.filter((candidate) -> beanFactory.getBeanDefinition(candidate).isPrimary())
					.findFirst()
					.orElse(name);
			}
			if (registry.containsBeanDefinition(name)) {
				registry.removeBeanDefinition(name);
			}
			RootBeanDefinition definition = new RootBeanDefinition(CairnTestDataSource.class,
					() -> new CairnTestDataSource(beanFactory, this.context.getEnvironment()));
			definition.setPrimary(true);
			registry.registerBeanDefinition(name, definition);
		}

		private static boolean isCandidate(BeanDefinition definition) {
			return definition.isAutowireCandidate()
					&& (!(definition instanceof AbstractBeanDefinition bean) || bean.isDefaultCandidate());
		}

	}

}
