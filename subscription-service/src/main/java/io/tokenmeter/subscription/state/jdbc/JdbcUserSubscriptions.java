package io.tokenmeter.subscription.state.jdbc;

import io.tokenmeter.schemas.Tier;
import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.FactKey;
import io.tokenmeter.subscription.state.FactKind;
import io.tokenmeter.subscription.state.UserSubscription;
import io.tokenmeter.subscription.state.UserSubscriptions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Users' subscriptions in PostgreSQL. {@link #findForChange} locks the user's row until the
 * transaction ends, so two transactions changing one user (two of their customers on two partitions
 * or two instances) take turns and the second folds onto the first's state. Two transactions
 * creating the same user collide on the key; the loser fails and its record is retried.
 */
@Component
class JdbcUserSubscriptions implements UserSubscriptions {

    /**
     * The published version: the rebuild epoch (milliseconds from 2020, good until 2089) in the
     * high 41 bits, the row's version (4,194,303 changes per user) in the low 22.
     */
    private static final int ROW_VERSION_BITS = 22;

    private static final long MAX_ROW_VERSION = (1L << ROW_VERSION_BITS) - 1;

    private static final String COLUMNS =
            "tier, status, stripe_customer_id, stripe_subscription_id, period_start, period_end,"
                    + " payment_failed, last_event_created, last_fact_created, last_fact_kind,"
                    + " last_fact_event_id, updated_at";

    private final JdbcClient jdbc;
    private volatile Long rebuildEpoch;

    JdbcUserSubscriptions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<UserSubscription> find(String userId) {
        return select(userId, "");
    }

    @Override
    public Optional<UserSubscription> findForChange(String userId) {
        return select(userId, " FOR UPDATE");
    }

    private Optional<UserSubscription> select(String userId, String lock) {
        return jdbc.sql("SELECT * FROM user_subscription WHERE user_id = ?" + lock)
                .param(userId)
                .query(JdbcUserSubscriptions::state)
                .optional();
    }

    @Override
    public long save(UserSubscription state, Instant updatedAt) {
        Object[] values = values(state, updatedAt);
        long rowVersion =
                jdbc.sql(
                                "UPDATE user_subscription SET ("
                                        + COLUMNS
                                        + ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?),"
                                        + " version = version + 1 WHERE user_id = ? RETURNING version")
                        .params(values)
                        .param(state.userId())
                        .query(Long.class)
                        .optional()
                        .orElseGet(() -> insert(state.userId(), values));
        if (rowVersion > MAX_ROW_VERSION) {
            throw new IllegalStateException(
                    "subscription of " + state.userId() + " changed more than 2^22 times");
        }
        return (rebuildEpoch() << ROW_VERSION_BITS) | rowVersion;
    }

    private long insert(String userId, Object[] values) {
        try {
            jdbc.sql(
                            "INSERT INTO user_subscription (user_id, version, "
                                    + COLUMNS
                                    + ") VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .param(userId)
                    .params(values)
                    .update();
            return 0;
        } catch (DuplicateKeyException concurrent) {
            throw new OptimisticLockingFailureException(
                    "subscription of " + userId + " created concurrently", concurrent);
        }
    }

    private static Object[] values(UserSubscription state, Instant updatedAt) {
        FactKey last = state.lastFact();
        BillingPeriod period = state.period();
        return new Object[] {
            state.tier().name(),
            state.status(),
            state.customerId(),
            state.subscriptionId(),
            period == null ? null : Timestamp.from(period.start()),
            period == null ? null : Timestamp.from(period.end()),
            state.paymentFailed(),
            state.lastEventCreated() == null ? null : Timestamp.from(state.lastEventCreated()),
            last == null ? null : Timestamp.from(last.created()),
            last == null ? null : last.kind().name(),
            last == null ? null : last.eventId(),
            Timestamp.from(updatedAt)
        };
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

    private static UserSubscription state(ResultSet rs, int row) throws SQLException {
        Instant start = instant(rs, "period_start");
        Instant end = instant(rs, "period_end");
        String lastKind = rs.getString("last_fact_kind");
        return new UserSubscription(
                rs.getString("user_id"),
                Tier.valueOf(rs.getString("tier")),
                rs.getString("status"),
                rs.getString("stripe_customer_id"),
                rs.getString("stripe_subscription_id"),
                start == null || end == null ? null : new BillingPeriod(start, end),
                rs.getBoolean("payment_failed"),
                instant(rs, "last_event_created"),
                lastKind == null
                        ? null
                        : new FactKey(
                                instant(rs, "last_fact_created"),
                                FactKind.valueOf(lastKind),
                                rs.getString("last_fact_event_id")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
