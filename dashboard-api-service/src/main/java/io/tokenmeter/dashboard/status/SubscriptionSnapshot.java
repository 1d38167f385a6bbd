package io.tokenmeter.dashboard.status;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.Objects;

/**
 * A user's subscription as the subscription service last reported it ({@code SubscriptionState}).
 * Of two snapshots of one user, the newer is the one with the higher {@code version}, which the
 * subscription service makes grow with every state it publishes for the user (also across its
 * rebuilds). Stripe's times cannot order them: a re-fold of the user's history can end on a newer
 * state whose events are older. Snapshots published before versions existed (version 0) order among
 * themselves by {@code lastStripeEventCreated}, then {@code updatedAt}.
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
        Instant lastStripeEventCreated,
        long version) {

    public SubscriptionSnapshot {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(lastStripeEventCreated, "lastStripeEventCreated");
    }
}
