package io.tokenmeter.subscription.state.jpa;

import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.FactKey;
import io.tokenmeter.subscription.state.FactKind;
import io.tokenmeter.subscription.state.Tier;
import io.tokenmeter.subscription.state.UserSubscription;
import io.tokenmeter.subscription.state.UserSubscriptions;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

@Component
class JpaUserSubscriptions implements UserSubscriptions {

    private final UserSubscriptionRepository repository;

    JpaUserSubscriptions(UserSubscriptionRepository repository) {
        this.repository = repository;
    }

    @Override
    public Optional<UserSubscription> find(String userId) {
        return repository.findById(userId).map(JpaUserSubscriptions::state);
    }

    @Override
    public void save(UserSubscription state, Instant updatedAt) {
        UserSubscriptionEntity row =
                repository
                        .findById(state.userId())
                        .orElseGet(() -> new UserSubscriptionEntity(state.userId()));
        row.tier = state.tier().name();
        row.status = state.status();
        row.stripeCustomerId = state.customerId();
        row.stripeSubscriptionId = state.subscriptionId();
        row.periodStart = state.period() == null ? null : state.period().start();
        row.periodEnd = state.period() == null ? null : state.period().end();
        row.paymentFailed = state.paymentFailed();
        row.lastEventCreated = state.lastEventCreated();
        FactKey last = state.lastFact();
        row.lastFactCreated = last == null ? null : last.created();
        row.lastFactKind = last == null ? null : last.kind().name();
        row.lastFactEventId = last == null ? null : last.eventId();
        row.updatedAt = updatedAt;
        repository.save(row);
    }

    private static UserSubscription state(UserSubscriptionEntity row) {
        return new UserSubscription(
                row.userId,
                Tier.valueOf(row.tier),
                row.status,
                row.stripeCustomerId,
                row.stripeSubscriptionId,
                row.periodStart == null || row.periodEnd == null
                        ? null
                        : new BillingPeriod(row.periodStart, row.periodEnd),
                row.paymentFailed,
                row.lastEventCreated,
                row.lastFactKind == null
                        ? null
                        : new FactKey(
                                row.lastFactCreated,
                                FactKind.valueOf(row.lastFactKind),
                                row.lastFactEventId));
    }
}
