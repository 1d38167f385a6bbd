package io.tokenmeter.subscription;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServiceConventionsTests;
import java.util.List;
import org.springframework.test.annotation.DirtiesContext;

// Closed after the class: every instance of this service publishes to the same state topic, and
// tests that read it must see only their own instance's records.
@DirtiesContext
@IntegrationTest
class SubscriptionApplicationIntegrationTests extends ServiceConventionsTests {

    SubscriptionApplicationIntegrationTests() {
        super(
                "subscription-service",
                List.of(Topics.SUBSCRIPTION_STATE),
                List.of(Topics.STRIPE_WEBHOOK_EVENTS),
                "/api/subscription/portal");
    }
}
