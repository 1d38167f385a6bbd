package io.tokenmeter.subscription.state;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A user's subscription as the Stripe events seen so far describe it: the aggregate this service
 * keeps per user and publishes as {@code SubscriptionState}.
 *
 * <p>{@code status} is Stripe's subscription status, or {@code free} before any subscription.
 * {@code period} is null whenever the tier is FREE. {@code paymentFailed} says that the latest
 * invoice of the current period failed and has not since succeeded. {@code lastEventCreated} is the
 * newest {@code created} among the events applied; {@code lastFact} the position of the last one in
 * {@link FactKey} order (null before any).
 */
public record UserSubscription(
        String userId,
        Tier tier,
        String status,
        String customerId,
        String subscriptionId,
        BillingPeriod period,
        boolean paymentFailed,
        Instant lastEventCreated,
        FactKey lastFact) {

    /** The status of a user who never had a subscription. */
    public static final String FREE_STATUS = "free";

    /** Statuses in which Stripe still considers the subscription paid for (past_due: grace). */
    static final Set<String> ENTITLED = Set.of("active", "trialing", "past_due");

    /** Statuses after which a subscription never comes back. */
    static final Set<String> ENDED = Set.of("canceled", "incomplete_expired");

    public UserSubscription {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(status, "status");
    }

    /** A user nobody has heard of: FREE, no Stripe objects. */
    public static UserSubscription unknown(String userId) {
        return new UserSubscription(
                userId, Tier.FREE, FREE_STATUS, null, null, null, false, null, null);
    }

    /** Whether the user's current subscription can still change (exists and has not ended). */
    boolean hasLiveSubscription() {
        return subscriptionId != null && !ENDED.contains(status) && !FREE_STATUS.equals(status);
    }

    /** Whether {@code fact} sorts after every fact applied so far. */
    public boolean precedes(FactKey fact) {
        return lastFact == null || lastFact.compareTo(fact) < 0;
    }

    UserSubscription withCustomer(String customer) {
        return new UserSubscription(
                userId,
                tier,
                status,
                customer,
                subscriptionId,
                period,
                paymentFailed,
                lastEventCreated,
                lastFact);
    }

    UserSubscription withPaymentFailed(boolean failed) {
        return new UserSubscription(
                userId,
                tier,
                status,
                customerId,
                subscriptionId,
                period,
                failed,
                lastEventCreated,
                lastFact);
    }

    UserSubscription withPeriod(BillingPeriod newPeriod) {
        return withSubscription(subscriptionId, tier, status, newPeriod);
    }

    UserSubscription withSubscription(
            String subscription, Tier newTier, String newStatus, BillingPeriod newPeriod) {
        return new UserSubscription(
                userId,
                newTier,
                newStatus,
                customerId,
                subscription,
                newPeriod,
                paymentFailed,
                lastEventCreated,
                lastFact);
    }

    /** This state after {@code fact} was applied: it is the last fact, and maybe the newest. */
    UserSubscription after(FactKey fact) {
        Instant newest =
                lastEventCreated == null || fact.created().isAfter(lastEventCreated)
                        ? fact.created()
                        : lastEventCreated;
        FactKey last = precedes(fact) ? fact : lastFact;
        return new UserSubscription(
                userId,
                tier,
                status,
                customerId,
                subscriptionId,
                period,
                paymentFailed,
                newest,
                last);
    }
}
