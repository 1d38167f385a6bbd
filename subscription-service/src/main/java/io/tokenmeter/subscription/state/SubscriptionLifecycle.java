package io.tokenmeter.subscription.state;

import io.tokenmeter.schemas.Tier;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;

/**
 * How Stripe events change a user's subscription: pure functions, no I/O.
 *
 * <p>A user's state is defined as the fold of {@link #apply} over the user's facts sorted by {@link
 * FactKey} (Stripe's {@code created}, then the {@link FactKind} tie-break, then event id), each
 * {@linkplain StripeFact#identity() identity} counted once. That makes it independent of the order
 * and number of deliveries: an event older than the last one applied never rolls the state back,
 * because it is folded in at its place in the history ({@link #replay}) rather than on top.
 *
 * <p>The rules, for events in order:
 *
 * <ul>
 *   <li>checkout: links customer and subscription; tier and status wait for the subscription.
 *   <li>subscription created/updated: the current subscription's tier (from its price; an unknown
 *       price keeps the tier), status and period. Statuses other than active, trialing and past_due
 *       grant FREE. Events of another subscription switch to it only when it is new ({@code
 *       created}) or the current one has ended, so a stale subscription never takes over. A period
 *       that moved clears {@code paymentFailed}.
 *   <li>subscription deleted (the current one): FREE, status {@code canceled}, no period.
 *   <li>invoice paid (current subscription): a billed period later than the current one starts it
 *       (a renewal); clears {@code paymentFailed}.
 *   <li>invoice payment failed (current subscription, current or later period): sets {@code
 *       paymentFailed}.
 * </ul>
 */
public final class SubscriptionLifecycle {

    private SubscriptionLifecycle() {}

    /** The state of {@code userId} after all of {@code facts}, in any order, duplicates allowed. */
    public static UserSubscription replay(
            String userId, Collection<StripeFact> facts, PriceTiers prices) {
        Set<String> seen = new HashSet<>();
        UserSubscription state = UserSubscription.unknown(userId);
        for (StripeFact fact :
                facts.stream().sorted(Comparator.comparing(StripeFact::key)).toList()) {
            if (seen.add(fact.identity())) {
                state = apply(state, fact, prices);
            }
        }
        return state;
    }

    /** {@code state} after {@code fact}, which must sort after every fact already applied. */
    public static UserSubscription apply(
            UserSubscription state, StripeFact fact, PriceTiers prices) {
        UserSubscription next;
        if (fact instanceof CheckoutCompleted checkout) {
            next = checkout(state, checkout);
        } else if (fact instanceof SubscriptionChanged change) {
            next = subscription(state, change, prices);
        } else if (fact instanceof InvoicePayment invoice) {
            next = invoice.paid() ? paid(state, invoice) : failed(state, invoice);
        } else {
            throw new IllegalStateException("unknown fact " + fact.getClass());
        }
        return next.after(fact.key());
    }

    private static UserSubscription checkout(UserSubscription state, CheckoutCompleted checkout) {
        UserSubscription next =
                checkout.customerId() == null ? state : state.withCustomer(checkout.customerId());
        if (checkout.subscriptionId() != null
                && !checkout.subscriptionId().equals(state.subscriptionId())
                && !state.hasLiveSubscription()) {
            next =
                    next.withSubscription(
                            checkout.subscriptionId(), next.tier(), next.status(), next.period());
        }
        return next;
    }

    private static UserSubscription subscription(
            UserSubscription state, SubscriptionChanged change, PriceTiers prices) {
        boolean current = change.subscriptionId().equals(state.subscriptionId());
        if (!current
                && state.hasLiveSubscription()
                && change.kind() != FactKind.SUBSCRIPTION_CREATED) {
            return state;
        }
        UserSubscription next =
                change.customerId() == null ? state : state.withCustomer(change.customerId());
        String status =
                change.kind() == FactKind.SUBSCRIPTION_DELETED ? "canceled" : change.status();
        if (UserSubscription.ENDED.contains(status)) {
            return next.withSubscription(change.subscriptionId(), Tier.FREE, status, null)
                    .withPaymentFailed(false);
        }
        if (!UserSubscription.ENTITLED.contains(status)) {
            return next.withSubscription(change.subscriptionId(), Tier.FREE, status, null);
        }
        Tier tier = prices.tierOf(change.price()).orElse(state.tier());
        BillingPeriod period = change.period() != null ? change.period() : state.period();
        boolean periodMoved = !current || period == null || !period.equals(state.period());
        next =
                next.withSubscription(
                        change.subscriptionId(), tier, status, tier == Tier.FREE ? null : period);
        return periodMoved ? next.withPaymentFailed(false) : next;
    }

    private static UserSubscription paid(UserSubscription state, InvoicePayment paid) {
        if (!ofCurrentSubscription(state, paid.subscriptionId())) {
            return state;
        }
        BillingPeriod billed = paid.billedPeriod();
        if (state.period() != null
                && billed != null
                && billed.start().isAfter(state.period().start())
                && UserSubscription.ENTITLED.contains(state.status())) {
            return state.withPeriod(billed).withPaymentFailed(false);
        }
        return ofCurrentPeriod(state, billed) ? state.withPaymentFailed(false) : state;
    }

    private static UserSubscription failed(UserSubscription state, InvoicePayment failed) {
        if (!ofCurrentSubscription(state, failed.subscriptionId())
                || !state.hasLiveSubscription()) {
            return state;
        }
        BillingPeriod billed = failed.billedPeriod();
        boolean currentOrLater =
                ofCurrentPeriod(state, billed)
                        || billed != null
                                && state.period() != null
                                && billed.start().isAfter(state.period().start());
        return currentOrLater ? state.withPaymentFailed(true) : state;
    }

    private static boolean ofCurrentSubscription(UserSubscription state, String subscriptionId) {
        return subscriptionId != null && subscriptionId.equals(state.subscriptionId());
    }

    private static boolean ofCurrentPeriod(UserSubscription state, BillingPeriod billed) {
        return billed == null || state.period() == null || state.period().contains(billed.start());
    }
}
