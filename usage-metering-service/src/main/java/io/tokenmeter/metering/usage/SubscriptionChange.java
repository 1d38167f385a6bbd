package io.tokenmeter.metering.usage;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * One subscription state the subscription service reported for a user: the tier, and for paid tiers
 * the Stripe billing period {@code [periodStart, periodEnd)}. States are totally ordered by {@link
 * #NEWEST_LAST}, so that "the latest state" never depends on the order in which states arrived:
 * first by {@code version}, which the subscription service makes grow with every state it publishes
 * for the user (Stripe's times cannot order them: a re-fold can end on a newer state whose events
 * are older); states from before versions existed (0) then by the Stripe event time. {@code
 * delivery} is the record the state came in: the crossings a state causes are announced again when
 * that very record is delivered again (see {@link UsageStore#addSubscriptionChanges}).
 */
public record SubscriptionChange(
        String userId,
        Tier tier,
        String status,
        Optional<Instant> periodStart,
        Optional<Instant> periodEnd,
        Instant stripeEventCreated,
        Instant updatedAt,
        long version,
        Delivery delivery) {

    /** A state that came from no record (tests, tools): never announced again. */
    public SubscriptionChange(
            String userId,
            Tier tier,
            String status,
            Optional<Instant> periodStart,
            Optional<Instant> periodEnd,
            Instant stripeEventCreated,
            Instant updatedAt,
            long version) {
        this(
                userId,
                tier,
                status,
                periodStart,
                periodEnd,
                stripeEventCreated,
                updatedAt,
                version,
                Delivery.NONE);
    }

    /** Older first; ties broken on every field so that the order is total. */
    public static final Comparator<SubscriptionChange> NEWEST_LAST =
            Comparator.comparingLong(SubscriptionChange::version)
                    .thenComparing(SubscriptionChange::stripeEventCreated)
                    .thenComparing(SubscriptionChange::updatedAt)
                    .thenComparing(SubscriptionChange::tier)
                    .thenComparing(SubscriptionChange::status)
                    .thenComparing(change -> change.periodStart().orElse(Instant.MIN))
                    .thenComparing(change -> change.periodEnd().orElse(Instant.MIN));

    public SubscriptionChange {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id is missing");
        }
        Objects.requireNonNull(tier, "tier");
        status = status == null ? "" : status;
        Objects.requireNonNull(stripeEventCreated, "last_stripe_event_created");
        Objects.requireNonNull(updatedAt, "updated_at");
        Objects.requireNonNull(delivery, "delivery");
        if (version < 0) {
            throw new IllegalArgumentException("version of " + userId + " is negative: " + version);
        }
        if (periodStart.isPresent()
                && periodEnd.isPresent()
                && !periodEnd.get().isAfter(periodStart.get())) {
            throw new IllegalArgumentException(
                    "billing period of "
                            + userId
                            + " ends before it starts: "
                            + periodStart.get()
                            + " .. "
                            + periodEnd.get());
        }
    }

    /** A paid tier with a known billing period: the time it covers counts in that period. */
    public boolean definesPaidPeriod() {
        return tier.paid() && periodStart.isPresent() && periodEnd.isPresent();
    }
}
