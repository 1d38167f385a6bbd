package io.tokenmeter.ingress;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServiceConventionsTests;
import java.util.List;

@IntegrationTest
class WebhookIngressApplicationIntegrationTests extends ServiceConventionsTests {

    WebhookIngressApplicationIntegrationTests() {
        super(
                "webhook-ingress-service",
                List.of(Topics.STRIPE_WEBHOOK_EVENTS),
                List.of(),
                "/api/subscription/webhook");
    }
}
