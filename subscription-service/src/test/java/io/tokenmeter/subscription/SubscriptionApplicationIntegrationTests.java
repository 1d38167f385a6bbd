package io.tokenmeter.subscription;

import io.tokenmeter.schemas.Topic;
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

    @Override
    protected String applicationName() {
        return "subscription-service";
    }

    @Override
    protected List<Topic<?>> produces() {
        return List.of(Topics.SUBSCRIPTION_STATE);
    }

    @Override
    protected List<Topic<?>> consumes() {
        return List.of(Topics.STRIPE_WEBHOOK_EVENTS);
    }

    @Override
    protected String documentedPath() {
        return "/api/subscription/portal";
    }
}
