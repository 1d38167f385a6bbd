package io.tokenmeter.notification.alerts;

import java.time.Instant;

/**
 * A change of a user's subscription worth telling: a failed payment, a payment after a failure, a
 * new tier, a cancellation.
 *
 * @param periodEnd the current period's end; null on FREE
 * @param changedAt when the subscription service published the new state
 */
public record SubscriptionAlert(
        String userId,
        String change,
        String tier,
        String previousTier,
        String status,
        Instant periodEnd,
        Instant changedAt)
        implements Cause {

    @Override
    public Instant occurredAt() {
        return changedAt;
    }
}
