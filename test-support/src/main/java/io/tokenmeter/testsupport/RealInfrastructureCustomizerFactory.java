package io.tokenmeter.testsupport;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Points every {@link IntegrationTest} at the shared broker and at a database of its own, in
 * development mode ({@code TOKENMETER_ENV=development}: test secrets are accepted). One context per
 * test class: the database is part of the context's identity.
 */
class RealInfrastructureCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        if (!TestContextAnnotationUtils.hasAnnotation(testClass, IntegrationTest.class)) {
            return null;
        }
        return new RealInfrastructureCustomizer(testClass);
    }

    private static final class RealInfrastructureCustomizer implements ContextCustomizer {

        private final Class<?> testClass;

        RealInfrastructureCustomizer(Class<?> testClass) {
            this.testClass = testClass;
        }

        @Override
        public void customizeContext(
                ConfigurableApplicationContext context, MergedContextConfiguration config) {
            TestDatabase database = TestInfrastructure.createDatabase(testClass);
            Map<String, Object> properties =
                    Map.of(
                            "spring.kafka.bootstrap-servers",
                            TestInfrastructure.kafkaBootstrapServers(),
                            "spring.datasource.url",
                            database.jdbcUrl(),
                            "spring.datasource.username",
                            database.username(),
                            "spring.datasource.password",
                            database.password(),
                            // Tests use development secrets, which production refuses to start
                            // with.
                            "TOKENMETER_ENV",
                            "development");
            context.getEnvironment()
                    .getPropertySources()
                    .addFirst(new MapPropertySource("tokenmeter-test-infrastructure", properties));
            // Below everything a test or the application sets: one JVM keeps many test contexts
            // (Spring caches them), each with its pool, and PostgreSQL allows 100 connections.
            context.getEnvironment()
                    .getPropertySources()
                    .addLast(
                            new MapPropertySource(
                                    "tokenmeter-test-pool",
                                    Map.of(
                                            "spring.datasource.hikari.maximum-pool-size", "6",
                                            "spring.datasource.hikari.minimum-idle", "1",
                                            "spring.datasource.hikari.idle-timeout", "10000")));
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof RealInfrastructureCustomizer that
                    && testClass.equals(that.testClass);
        }

        @Override
        public int hashCode() {
            return Objects.hash(testClass);
        }
    }
}
