package io.tokenmeter.subscription.state;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps every user's subscription in step with Stripe's events, whatever their delivery order:
 * records each event once, attributes it to a user (parking it until a linking event names the
 * user), and brings the user's state to {@link SubscriptionLifecycle#replay} of all their facts,
 * announcing every change with a version that only grows per user (consumers order by it: a re-fold
 * can end on a state whose Stripe times are older than the last one announced). The caller runs
 * {@link #record} in one database transaction.
 *
 * <p>In-order events (the common case) are applied on top of the stored state; an event that sorts
 * before the last applied one, a second event of the same identity, or parked facts joining the
 * user make it fold the user's whole history again.
 */
public final class SubscriptionBook {

    private final ProcessedEvents processed;
    private final FactLog facts;
    private final StripeLinks links;
    private final UserSubscriptions subscriptions;
    private final SubscriptionChanges changes;
    private final BillingMonitor monitor;
    private final PriceTiers prices;
    private final Clock clock;

    public SubscriptionBook(
            ProcessedEvents processed,
            FactLog facts,
            StripeLinks links,
            UserSubscriptions subscriptions,
            SubscriptionChanges changes,
            BillingMonitor monitor,
            PriceTiers prices,
            Clock clock) {
        this.processed = processed;
        this.facts = facts;
        this.links = links;
        this.subscriptions = subscriptions;
        this.changes = changes;
        this.monitor = monitor;
        this.prices = prices;
        this.clock = clock;
    }

    /** Applies one Stripe event; a redelivered event changes nothing. */
    public void record(StripeFact fact) {
        if (!processed.firstDelivery(fact.eventId())) {
            return;
        }
        // A price that sells no tier leaves the tier as it was; a deletion's price sets nothing.
        if (fact instanceof StripeFact.SubscriptionChanged change
                && change.kind() != FactKind.SUBSCRIPTION_DELETED
                && change.price() != null
                && prices.tierOf(change.price()).isEmpty()) {
            monitor.unknownPrice(fact, change.price());
        }
        Optional<String> owner =
                fact.userId() != null
                        ? Optional.of(fact.userId())
                        : links.userOf(fact.subscriptionId(), fact.customerId());
        if (owner.isEmpty()) {
            facts.append(fact, null);
            return;
        }
        String userId = owner.get();
        boolean newIdentity = facts.append(fact, userId);
        int joined = 0;
        if (fact.userId() != null) {
            links.link(userId, fact.subscriptionId(), fact.customerId());
            joined = facts.claimParked(userId, fact.subscriptionId(), fact.customerId());
        }
        UserSubscription before =
                subscriptions
                        .findForChange(userId)
                        .orElseGet(() -> UserSubscription.unknown(userId));
        UserSubscription after =
                newIdentity && joined == 0 && before.precedes(fact.key())
                        ? SubscriptionLifecycle.apply(before, fact, prices)
                        : SubscriptionLifecycle.replay(userId, facts.of(userId), prices);
        if (!after.equals(before)) {
            Instant now = clock.instant();
            long version = subscriptions.save(after, now);
            changes.changed(after, now, version);
        }
    }

    /** The user's current state; unknown users are FREE. */
    public UserSubscription of(String userId) {
        return subscriptions.find(userId).orElseGet(() -> UserSubscription.unknown(userId));
    }
}
