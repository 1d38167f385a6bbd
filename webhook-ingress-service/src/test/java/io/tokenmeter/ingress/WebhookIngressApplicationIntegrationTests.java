package io.tokenmeter.ingress;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServiceConventionsTests;
import java.util.List;

@IntegrationTest
class WebhookIngressApplicationIntegrationTests extends ServiceConventionsTests {

    @Override
    protected String applicationName() {
        return "webhook-ingress-service";
    }

    @Override
    protected List<Topic<?>> produces() {
        return List.of(Topics.STRIPE_WEBHOOK_EVENTS);
    }

    @Override
    protected List<Topic<?>> consumes() {
        return List.of();
    }

    @Override
    protected String documentedPath() {
        return "/api/subscription/webhook";
    }
}
