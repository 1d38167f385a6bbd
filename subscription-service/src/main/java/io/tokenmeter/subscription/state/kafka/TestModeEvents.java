package io.tokenmeter.subscription.state.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.platform.secrets.SecretsStartupCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Whether Stripe events from test mode ({@code livemode: false}) may change subscriptions: only
 * with {@code STRIPE_ALLOW_TEST_MODE=true}, which is the default in development ({@code
 * TOKENMETER_ENV=development}) and nowhere else. In production a test-mode event (a test key's
 * webhook pointed at the live endpoint, or a test-mode secret leaked) would put users on a paid
 * tier nobody paid for; it is skipped, logged and counted in {@value #METRIC}.
 */
@Component
class TestModeEvents {

    private static final Logger log = LoggerFactory.getLogger(TestModeEvents.class);

    static final String METRIC = "tokenmeter.subscription.test_mode_refused";

    private final boolean allowed;
    private final Counter refused;

    TestModeEvents(
            @Value("${STRIPE_ALLOW_TEST_MODE:}") String allow,
            Environment environment,
            MeterRegistry registry) {
        this.allowed =
                allow.isBlank()
                        ? SecretsStartupCheck.isDevelopment(environment)
                        : Boolean.parseBoolean(allow.trim());
        this.refused =
                Counter.builder(METRIC)
                        .description("Stripe test-mode events refused (STRIPE_ALLOW_TEST_MODE)")
                        .register(registry);
    }

    /** Whether {@code event} must be skipped, counting it if so. */
    boolean refuses(StripeWebhookEvent event) {
        if (event.getLivemode() || allowed) {
            return false;
        }
        refused.increment();
        log.warn(
                "refusing Stripe test-mode event {} ({}): STRIPE_ALLOW_TEST_MODE is not true",
                event.getEventId(),
                event.getType());
        return true;
    }
}
