package io.tokenmeter.platform.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/** The check as every service meets it: through {@code platform}'s {@code spring.factories}. */
class SecretsStartupCheckTests {

    private static final String KNOWN_JWT_SECRET = "change-me-to-at-least-32-bytes-of-randomness";
    private static final String KNOWN_WEBHOOK_SECRET = "whsec_local_development_only";
    private static final String RANDOM = "n2Vq8s0F4yJ1cW6eZr3LtB9kHx5PaDgU7mQoYiEjRwA=";

    @Test
    void refusesToStartWithAPublishedSecretNamingTheVariableButNeverTheValue() {
        assertThatThrownBy(
                        () ->
                                start(
                                        Map.of(
                                                "AUTH_JWT_SECRET", KNOWN_JWT_SECRET,
                                                "STRIPE_WEBHOOK_SECRET",
                                                        RANDOM + "," + KNOWN_WEBHOOK_SECRET,
                                                "METERING_API_TOKEN", RANDOM)))
                .isInstanceOf(SecretsStartupCheck.WeakSecretsException.class)
                .hasMessageContaining("AUTH_JWT_SECRET")
                .hasMessageContaining("STRIPE_WEBHOOK_SECRET")
                .hasMessageNotContaining("METERING_API_TOKEN")
                .hasMessageNotContaining(KNOWN_JWT_SECRET)
                .hasMessageNotContaining(KNOWN_WEBHOOK_SECRET)
                .hasMessageNotContaining(RANDOM);
    }

    @Test
    void refusesThemWhenTheEnvironmentIsProductionOrAnythingButDevelopment() {
        assertThatThrownBy(
                        () ->
                                start(
                                        Map.of(
                                                "AUTH_JWT_SECRET",
                                                KNOWN_JWT_SECRET,
                                                "TOKENMETER_ENV",
                                                "staging")))
                .isInstanceOf(SecretsStartupCheck.WeakSecretsException.class);
    }

    @Test
    void letsDevelopmentSecretsThroughInDevelopmentMode() {
        try (ConfigurableApplicationContext context =
                start(
                        Map.of(
                                "AUTH_JWT_SECRET", KNOWN_JWT_SECRET,
                                "STRIPE_WEBHOOK_SECRET", KNOWN_WEBHOOK_SECRET,
                                "TOKENMETER_ENV", "development"))) {
            assertThat(context.isActive()).isTrue();
        }
    }

    @Test
    void startsWithRandomSecretsOrNoneSet() {
        try (ConfigurableApplicationContext context =
                start(Map.of("AUTH_JWT_SECRET", RANDOM, "STRIPE_WEBHOOK_SECRET", RANDOM))) {
            assertThat(context.isActive()).isTrue();
        }
        try (ConfigurableApplicationContext context = start(Map.of())) {
            assertThat(context.isActive()).isTrue();
        }
    }

    private static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return new SpringApplicationBuilder(Empty.class)
                .web(WebApplicationType.NONE)
                .properties(properties)
                .run();
    }

    @Configuration(proxyBeanMethods = false)
    static class Empty {}
}
