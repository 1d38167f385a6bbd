package io.tokenmeter.notification.alerts;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's subscription as the subscription service last reported it: the "before" against which
 * the next report is compared.
 *
 * @param periodStart null on FREE
 * @param periodEnd null on FREE; when a paid quota renews
 * @param version grows with every state published for the user; 0 for a state published before
 *     versions existed
 * @param stripeCustomerId null until the user has a Stripe customer
 */
public record Subscription(
        String userId,
        String tier,
        String status,
        boolean paymentFailed,
        Instant periodStart,
        Instant periodEnd,
        Instant updatedAt,
        Instant lastStripeEventCreated,
        long version,
        String stripeCustomerId) {

    public Subscription {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(lastStripeEventCreated, "lastStripeEventCreated");
    }

    /** What a user nobody has reported yet is on. */
    static Subscription free(String userId) {
        return new Subscription(
                userId, "FREE", "free", false, null, null, Instant.EPOCH, Instant.EPOCH, 0, null);
    }

    /**
     * Whether this state is later than {@code other}: by version when both carry one (versions only
     * grow per user); a versioned state is later than an unversioned one; between two unversioned
     * states, by the Stripe event behind them, then by when they were published.
     */
    public boolean isNewerThan(Subscription other) {
        if (version > 0 && other.version > 0) {
            return version > other.version;
        }
        if (version > 0 || other.version > 0) {
            return version > 0;
        }
        int byStripe = lastStripeEventCreated.compareTo(other.lastStripeEventCreated);
        return byStripe != 0 ? byStripe > 0 : updatedAt.isAfter(other.updatedAt);
    }

    /** Identifies this state among the user's states, for the causes of its notifications. */
    String stateKey() {
        return version > 0
                ? "v" + version
                : "t" + lastStripeEventCreated.toEpochMilli() + "." + updatedAt.toEpochMilli();
    }

    boolean isCanceled() {
        return "canceled".equals(status);
    }
}
