package io.tokenmeter.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.events.StripeWebhookEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTests {

    @Test
    void catalogueHoldsTheContractsTopicsWithTheirCleanupPolicies() {
        assertThat(Topics.all())
                .extracting(Topic::name, Topic::cleanupPolicy)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "stripe.webhook-events.v1", CleanupPolicy.DELETE),
                        org.assertj.core.groups.Tuple.tuple(
                                "grading.session-completed.v1", CleanupPolicy.DELETE),
                        org.assertj.core.groups.Tuple.tuple(
                                "billing.subscription-state.v1", CleanupPolicy.COMPACT),
                        org.assertj.core.groups.Tuple.tuple(
                                "billing.usage-state.v1", CleanupPolicy.COMPACT),
                        org.assertj.core.groups.Tuple.tuple(
                                "billing.session-cost.v1", CleanupPolicy.DELETE),
                        org.assertj.core.groups.Tuple.tuple(
                                "billing.usage-threshold.v1", CleanupPolicy.DELETE));
    }

    @Test
    void replaySourcesAreKeptForeverAndCompactedTopicsHaveNoRetention() {
        assertThat(Topics.STRIPE_WEBHOOK_EVENTS.configs())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("cleanup.policy", "delete", "retention.ms", "-1"));
        assertThat(Topics.SESSION_COMPLETED.configs()).containsEntry("retention.ms", "-1");
        assertThat(Topics.SUBSCRIPTION_STATE.configs())
                .containsExactlyEntriesOf(Map.of("cleanup.policy", "compact"));
    }

    @Test
    void findsATopicByItsNameOrItsDeadLetterName() {
        assertThat(Topics.byName("stripe.webhook-events.v1.DLT"))
                .get()
                .extracting(Topic::valueType)
                .isEqualTo(StripeWebhookEvent.class);
        assertThat(Topics.byName("stripe.webhook-events.v1").orElseThrow().deadLetterTopic())
                .isEqualTo("stripe.webhook-events.v1.DLT");
        assertThat(Topics.byName("unknown.topic")).isEmpty();
    }
}
