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

/**
 * The topic catalogue: every topic of the contract (CONTRACT §4), declared once and used by every
 * service to produce, consume and create topics.
 */
public final class Topics {

    /** Six partitions: room for six consumer instances per group, cheap on a one-node broker. */
    static final int PARTITIONS = 6;

    /** Verified Stripe events, the replay source of truth for subscriptions: kept forever. */
    public static final Topic<StripeWebhookEvent> STRIPE_WEBHOOK_EVENTS =
            new Topic<>(
                    "stripe.webhook-events.v1",
                    "Stripe customer id, else event id",
                    StripeWebhookEvent.class,
                    CleanupPolicy.DELETE,
                    PARTITIONS,
                    Optional.empty());

    /** The grading pipeline's token reports, the replay source of truth for usage: kept forever. */
    public static final Topic<SessionCompleted> SESSION_COMPLETED =
            new Topic<>(
                    "grading.session-completed.v1",
                    "user id",
                    SessionCompleted.class,
                    CleanupPolicy.DELETE,
                    PARTITIONS,
                    Optional.empty());

    public static final Topic<SubscriptionState> SUBSCRIPTION_STATE =
            new Topic<>(
                    "billing.subscription-state.v1",
                    "user id",
                    SubscriptionState.class,
                    CleanupPolicy.COMPACT,
                    PARTITIONS,
                    Optional.empty());

    public static final Topic<UsageState> USAGE_STATE =
            new Topic<>(
                    "billing.usage-state.v1",
                    "user id",
                    UsageState.class,
                    CleanupPolicy.COMPACT,
                    PARTITIONS,
                    Optional.empty());

    /** Kept forever: the dashboard rebuilds every user's session history from it. */
    public static final Topic<SessionCost> SESSION_COST =
            new Topic<>(
                    "billing.session-cost.v1",
                    "user id",
                    SessionCost.class,
                    CleanupPolicy.DELETE,
                    PARTITIONS,
                    Optional.empty());

    public static final Topic<UsageThresholdCrossed> USAGE_THRESHOLD =
            new Topic<>(
                    "billing.usage-threshold.v1",
                    "user id",
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
