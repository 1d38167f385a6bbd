package io.tokenmeter.schemas;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.SessionCost;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.events.UsageThresholdCrossed;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * The topic catalogue: every topic of the contract (CONTRACT §4), declared once and used by every
 * service to produce, consume and create topics.
 */
public final class Topics {

    /** Six partitions: room for six consumer instances per group, cheap on a one-node broker. */
    static final int PARTITIONS = 6;

    /** Verified Stripe events, the replay source of truth for subscriptions: kept forever. */
    public static final Topic<StripeWebhookEvent> STRIPE_WEBHOOK_EVENTS =
            topic("stripe.webhook-events.v1", StripeWebhookEvent.class, CleanupPolicy.DELETE);

    /** The grading pipeline's token reports, the replay source of truth for usage: kept forever. */
    public static final Topic<SessionCompleted> SESSION_COMPLETED =
            topic("grading.session-completed.v1", SessionCompleted.class, CleanupPolicy.DELETE);

    public static final Topic<SubscriptionState> SUBSCRIPTION_STATE =
            topic("billing.subscription-state.v1", SubscriptionState.class, CleanupPolicy.COMPACT);

    public static final Topic<UsageState> USAGE_STATE =
            topic("billing.usage-state.v1", UsageState.class, CleanupPolicy.COMPACT);

    /** Kept forever: the dashboard rebuilds every user's session history from it. */
    public static final Topic<SessionCost> SESSION_COST =
            topic("billing.session-cost.v1", SessionCost.class, CleanupPolicy.DELETE);

    public static final Topic<UsageThresholdCrossed> USAGE_THRESHOLD =
            new Topic<>(
                    "billing.usage-threshold.v1",
                    UsageThresholdCrossed.class,
                    CleanupPolicy.DELETE,
                    PARTITIONS,
                    Optional.of(Duration.ofDays(90)));

    private static final List<Topic<?>> ALL =
            List.of(
                    STRIPE_WEBHOOK_EVENTS,
                    SESSION_COMPLETED,
                    SUBSCRIPTION_STATE,
                    USAGE_STATE,
                    SESSION_COST,
                    USAGE_THRESHOLD);

    private Topics() {}

    /** A topic of {@link #PARTITIONS} partitions whose records are kept without a time limit. */
    private static <V extends SpecificRecord> Topic<V> topic(
            String name, Class<V> valueType, CleanupPolicy cleanupPolicy) {
        return new Topic<>(name, valueType, cleanupPolicy, PARTITIONS, Optional.empty());
    }

    /** Every topic of the contract, dead-letter topics excluded. */
    public static List<Topic<?>> all() {
        return ALL;
    }

    /** Each topic and its dead-letter topic by name: looked up for every record consumed. */
    private static final Map<String, Topic<?>> BY_NAME = byName(ALL);

    private static Map<String, Topic<?>> byName(List<Topic<?>> topics) {
        Map<String, Topic<?>> byName = new HashMap<>();
        for (Topic<?> topic : topics) {
            byName.put(topic.name(), topic);
            byName.put(topic.name() + Topic.DEAD_LETTER_SUFFIX, topic);
        }
        return Map.copyOf(byName);
    }

    /** The catalogue entry of a topic or of its dead-letter topic. */
    public static Optional<Topic<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }
}
