package io.tokenmeter.dashboard.status;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's subscription as the subscription service last reported it ({@code SubscriptionState}).
 * Of two snapshots of one user, the newer is the one with the later {@code lastStripeEventCreated},
 * then the later {@code updatedAt}: the Stripe event is the truth, and a replay of the subscription
 * service that re-publishes an intermediate state must not roll the dashboard back.
 *
 * @param periodStart the current Stripe billing period's start; null on FREE
 */
public record SubscriptionSnapshot(
        String userId,
        Tier tier,
        String status,
        Instant periodStart,
        Instant periodEnd,
        boolean paymentFailed,
        Instant updatedAt,
        Instant lastStripeEventCreated) {

    public SubscriptionSnapshot {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(lastStripeEventCreated, "lastStripeEventCreated");
    }

    /** Whether this snapshot is at least as new as {@code other} (the read model's order). */
    public boolean isAtLeastAsNewAs(SubscriptionSnapshot other) {
        int byEvent = lastStripeEventCreated.compareTo(other.lastStripeEventCreated);
        return byEvent > 0 || (byEvent == 0 && updatedAt.compareTo(other.updatedAt) >= 0);
    }
}
