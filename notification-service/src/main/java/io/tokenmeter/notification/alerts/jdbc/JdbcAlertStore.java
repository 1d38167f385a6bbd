package io.tokenmeter.notification.alerts.jdbc;

import io.tokenmeter.notification.alerts.AlertStore;
import io.tokenmeter.notification.alerts.Channel;
import io.tokenmeter.notification.alerts.Notification;
import io.tokenmeter.notification.alerts.Subscription;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link AlertStore} on PostgreSQL: {@code subscription_states} and the {@code deliveries} outbox.
 */
public class JdbcAlertStore implements AlertStore {

    private final JdbcClient jdbc;
    private final CauseJson causes;

    public JdbcAlertStore(JdbcClient jdbc, CauseJson causes) {
        this.jdbc = jdbc;
        this.causes = causes;
    }

    @Override
    public Optional<Subscription> subscription(String userId) {
        return jdbc.sql(
                        """
                        SELECT user_id, tier, status, payment_failed, period_start, period_end,
                               updated_at, last_stripe_event_created, version, stripe_customer_id
                        FROM subscription_states WHERE user_id = ?
                        """)
                .param(userId)
                .query(JdbcAlertStore::subscription)
                .optional();
    }

    @Override
    public Map<String, Subscription> subscriptions(Collection<String> userIds) {
        Map<String, Subscription> known = new HashMap<>();
        if (userIds.isEmpty()) {
            return known;
        }
        jdbc.sql(
                        """
                        SELECT user_id, tier, status, payment_failed, period_start, period_end,
                               updated_at, last_stripe_event_created, version, stripe_customer_id
                        FROM subscription_states WHERE user_id = ANY (?)
                        """)
                .param(userIds.toArray(String[]::new))
                .query(JdbcAlertStore::subscription)
                .list()
                .forEach(state -> known.put(state.userId(), state));
        return known;
    }

    @Override
    public void saveSubscription(Subscription state) {
        jdbc.sql(
                        """
                        INSERT INTO subscription_states (user_id, tier, status, payment_failed,
                            period_start, period_end, updated_at, last_stripe_event_created, version,
                            stripe_customer_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (user_id) DO UPDATE SET tier = excluded.tier,
                            status = excluded.status, payment_failed = excluded.payment_failed,
                            period_start = excluded.period_start, period_end = excluded.period_end,
                            updated_at = excluded.updated_at,
                            last_stripe_event_created = excluded.last_stripe_event_created,
                            version = excluded.version,
                            stripe_customer_id = excluded.stripe_customer_id
                        """)
                .params(
                        state.userId(),
                        state.tier(),
                        state.status(),
                        state.paymentFailed(),
                        timestamp(state.periodStart()),
                        timestamp(state.periodEnd()),
                        timestamp(state.updatedAt()),
                        timestamp(state.lastStripeEventCreated()),
                        state.version(),
                        state.stripeCustomerId())
                .update();
    }

    /**
     * One statement for the whole list: every notification on every channel, in the list's order
     * and then the channels' (the outbox's {@code seq} keeps each user's order), skipping those
     * queued already; {@code RETURNING} names the rows it wrote.
     */
    @Override
    public Map<String, List<Channel>> queueAll(List<Notification> notifications, Instant queuedAt) {
        Map<String, List<Channel>> queued = new LinkedHashMap<>();
        if (notifications.isEmpty()) {
            return queued;
        }
        int size = notifications.size();
        String[] ids = new String[size];
        String[] users = new String[size];
        String[] kinds = new String[size];
        String[] cause = new String[size];
        String[] occurred = new String[size];
        for (int i = 0; i < size; i++) {
            Notification notification = notifications.get(i);
            ids[i] = notification.id();
            users[i] = notification.userId();
            kinds[i] = notification.kind().name();
            cause[i] = causes.write(notification.cause());
            occurred[i] = notification.cause().occurredAt().toString();
        }
        String[] channels =
                Arrays.stream(Channel.values()).map(Channel::name).toArray(String[]::new);
        jdbc.sql(
                        """
                        INSERT INTO deliveries (notification_id, channel, user_id, kind, cause,
                            occurred_at, queued_at, next_attempt_at)
                        SELECT n.id, c.channel, n.user_id, n.kind, n.cause::jsonb,
                               n.occurred_at::timestamptz, ?, ?
                        FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                                 WITH ORDINALITY AS n (id, user_id, kind, cause, occurred_at, ord)
                        CROSS JOIN unnest(?::text[]) WITH ORDINALITY AS c (channel, ord)
                        ORDER BY n.ord, c.ord
                        ON CONFLICT ON CONSTRAINT deliveries_once_per_cause DO NOTHING
                        RETURNING notification_id, channel
                        """)
                .params(
                        timestamp(queuedAt),
                        timestamp(queuedAt),
                        ids,
                        users,
                        kinds,
                        cause,
                        occurred,
                        channels)
                .query((row, index) -> Map.entry(row.getString(1), row.getString(2)))
                .list()
                .forEach(
                        written ->
                                queued.computeIfAbsent(written.getKey(), id -> new ArrayList<>(2))
                                        .add(Channel.valueOf(written.getValue())));
        return queued;
    }

    private static Subscription subscription(ResultSet row, int index) throws SQLException {
        return new Subscription(
                row.getString("user_id"),
                row.getString("tier"),
                row.getString("status"),
                row.getBoolean("payment_failed"),
                instant(row.getTimestamp("period_start")),
                instant(row.getTimestamp("period_end")),
                instant(row.getTimestamp("updated_at")),
                instant(row.getTimestamp("last_stripe_event_created")),
                row.getLong("version"),
                row.getString("stripe_customer_id"));
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
