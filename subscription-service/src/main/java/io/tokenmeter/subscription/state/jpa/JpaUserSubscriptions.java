package io.tokenmeter.subscription.state.jpa;

import io.tokenmeter.schemas.Tier;
import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.FactKey;
import io.tokenmeter.subscription.state.FactKind;
import io.tokenmeter.subscription.state.UserSubscription;
import io.tokenmeter.subscription.state.UserSubscriptions;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

@Component
class JpaUserSubscriptions implements UserSubscriptions {

    /**
     * The published version: the rebuild epoch (milliseconds from 2020, good until 2089) in the
     * high 41 bits, the row's version (4,194,303 changes per user) in the low 22.
     */
    private static final int ROW_VERSION_BITS = 22;

    private static final long MAX_ROW_VERSION = (1L << ROW_VERSION_BITS) - 1;

    private final UserSubscriptionRepository repository;
    private final JdbcClient jdbc;
    private volatile Long rebuildEpoch;

    JpaUserSubscriptions(UserSubscriptionRepository repository, JdbcClient jdbc) {
        this.repository = repository;
        this.jdbc = jdbc;
    }

    @Override
    public Optional<UserSubscription> find(String userId) {
        return repository.findById(userId).map(JpaUserSubscriptions::state);
    }

    @Override
    public long save(UserSubscription state, Instant updatedAt) {
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
        // Flushed now so that the row's version (optimistic lock) is the one published with it.
        long rowVersion = repository.saveAndFlush(row).version;
        if (rowVersion > MAX_ROW_VERSION) {
            throw new IllegalStateException(
                    "subscription of " + state.userId() + " changed more than 2^22 times");
        }
        return (rebuildEpoch() << ROW_VERSION_BITS) | rowVersion;
    }

    /**
     * Fixed for the life of the schema: a full replay drops the schema and the service restarts.
     */
    private long rebuildEpoch() {
        Long epoch = rebuildEpoch;
        if (epoch == null) {
            epoch = jdbc.sql("SELECT epoch_millis FROM rebuild_epoch").query(Long.class).single();
            rebuildEpoch = epoch;
        }
        return epoch;
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
