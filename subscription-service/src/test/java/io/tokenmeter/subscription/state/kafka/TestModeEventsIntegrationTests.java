package io.tokenmeter.subscription.state.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.SubscriptionBook;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestKafka;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;

/** Production's setting: Stripe test-mode events change nothing and are counted. */
@DirtiesContext
@IntegrationTest(
        properties = {
            "spring.kafka.consumer.group-id=subscription-test-mode-${random.uuid}",
            "STRIPE_ALLOW_TEST_MODE=false"
        })
class TestModeEventsIntegrationTests {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @Autowired SubscriptionBook book;
    @Autowired MeterRegistry meters;

    @Autowired KafkaListenerEndpointRegistry listeners;

    @Test
    void skipsAndCountsATestModeEventButAppliesTheLiveOneAfterIt() {
        String testUser = "u_" + UUID.randomUUID();
        String liveUser = "u_" + UUID.randomUUID();
        String customer = "cus_" + UUID.randomUUID();
        // The topic is shared by this JVM's tests: count from once this listener caught up.
        String group = listeners.getListenerContainers().iterator().next().getGroupId();
        await().until(() -> TestKafka.groupCaughtUp(group, List.of(Topics.STRIPE_WEBHOOK_EVENTS)));
        double before = refused();

        TestKafka.send(Topics.STRIPE_WEBHOOK_EVENTS, customer, checkout(testUser, customer, false));
        TestKafka.send(Topics.STRIPE_WEBHOOK_EVENTS, customer, checkout(liveUser, customer, true));

        await().untilAsserted(() -> assertThat(book.of(liveUser).customerId()).isEqualTo(customer));
        assertThat(book.of(testUser).customerId()).isNull();
        // At least this one: other classes' test-mode events on the topic are refused too.
        assertThat(refused()).isGreaterThanOrEqualTo(before + 1);
    }

    private static StripeWebhookEvent checkout(String user, String customer, boolean live) {
        StripeWebhookEvent event =
                StripeEvents.record(
                        new CheckoutCompleted("evt_" + UUID.randomUUID(), T0, user, customer, null),
                        true);
        event.setLivemode(live);
        return event;
    }

    private double refused() {
        return meters.counter(TestModeEvents.METRIC).count();
    }
}
