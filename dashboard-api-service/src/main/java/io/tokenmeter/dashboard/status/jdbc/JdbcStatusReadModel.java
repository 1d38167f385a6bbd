package io.tokenmeter.dashboard.status.jdbc;

import io.tokenmeter.dashboard.status.StatusReadModel;
import io.tokenmeter.dashboard.status.StoredState;
import io.tokenmeter.dashboard.status.SubscriptionSnapshot;
import io.tokenmeter.dashboard.status.UsageSnapshot;
import io.tokenmeter.schemas.Tier;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The status read model in PostgreSQL. Upserts are conditional ({@code ON CONFLICT … DO UPDATE …
 * WHERE incoming >= stored}), so duplicates and older states change nothing; a batch is one
 * transaction, one round trip for the rows and one statement announcing the batch's users to every
 * instance ({@link ChangeNotifier}).
 */
@Repository
class JdbcStatusReadModel implements StatusReadModel {

    private static final String UPSERT_SUBSCRIPTION =
            """
            INSERT INTO subscription_state AS s (user_id, tier, status, period_start, period_end,
                payment_failed, updated_at, last_stripe_event_created, version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                tier = excluded.tier, status = excluded.status,
                period_start = excluded.period_start, period_end = excluded.period_end,
                payment_failed = excluded.payment_failed, updated_at = excluded.updated_at,
                last_stripe_event_created = excluded.last_stripe_event_created,
                version = excluded.version
            WHERE (excluded.version, excluded.last_stripe_event_created, excluded.updated_at)
                >= (s.version, s.last_stripe_event_created, s.updated_at)
            """;

    /**
     * One statement for a whole batch: the rows travel as arrays (timestamps as epoch milliseconds,
     * exact), far cheaper than one statement per state at thousands a second.
     */
    private static final String UPSERT_USAGE =
            """
            INSERT INTO usage_state AS u (user_id, bucket, tier, period_start, period_end,
                tokens_used, updated_at, token_limit)
            SELECT r.user_id, r.bucket, r.tier,
                   timestamptz 'epoch' + r.period_start * interval '1 millisecond',
                   timestamptz 'epoch' + r.period_end * interval '1 millisecond',
                   r.tokens_used,
                   timestamptz 'epoch' + r.updated_at * interval '1 millisecond',
                   r.token_limit
            FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
                        ?::bigint[], ?::bigint[])
                AS r(user_id, bucket, tier, period_start, period_end, tokens_used, updated_at,
                     token_limit)
            ON CONFLICT (user_id, bucket) DO UPDATE SET
                tier = excluded.tier, period_start = excluded.period_start,
                period_end = excluded.period_end, tokens_used = excluded.tokens_used,
                updated_at = excluded.updated_at, token_limit = excluded.token_limit
            WHERE (excluded.updated_at, excluded.tokens_used) >= (u.updated_at, u.tokens_used)
            """;

    /**
     * The subscription and the usage buckets that can matter for it (FREE, and the subscription's
     * current period) in one round trip; at least one row even when nothing is known.
     */
    private static final String LOAD =
            """
            SELECT s.tier, s.status, s.period_start, s.period_end, s.payment_failed,
                   s.updated_at, s.last_stripe_event_created, s.version,
                   u.tier AS u_tier, u.period_start AS u_period_start,
                   u.period_end AS u_period_end, u.tokens_used, u.updated_at AS u_updated_at,
                   u.token_limit
            FROM (SELECT ?::text AS user_id) k
            LEFT JOIN subscription_state s ON s.user_id = k.user_id
            LEFT JOIN usage_state u ON u.user_id = k.user_id
                AND (u.bucket = 'free' OR u.period_start = s.period_start)
            """;

    private final JdbcTemplate jdbc;
    private final ChangeNotifier notifier;

    JdbcStatusReadModel(JdbcTemplate jdbc, ChangeNotifier notifier) {
        this.jdbc = jdbc;
        this.notifier = notifier;
    }

    @Override
    @Transactional
    public void applySubscriptions(List<SubscriptionSnapshot> snapshots) {
        jdbc.batchUpdate(
                UPSERT_SUBSCRIPTION,
                snapshots,
                snapshots.size(),
                (ps, s) -> {
                    ps.setString(1, s.userId());
                    ps.setString(2, s.tier().name());
                    ps.setString(3, s.status());
                    ps.setObject(4, timestamp(s.periodStart()), Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setObject(5, timestamp(s.periodEnd()), Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setBoolean(6, s.paymentFailed());
                    ps.setObject(7, timestamp(s.updatedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setObject(
                            8,
                            timestamp(s.lastStripeEventCreated()),
                            Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setLong(9, s.version());
                });
        notifier.announce(snapshots.stream().map(SubscriptionSnapshot::userId).distinct().toList());
    }

    @Override
    @Transactional
    public void applyUsage(List<UsageSnapshot> snapshots) {
        // One row per key and statement (ON CONFLICT cannot touch a row twice): keep the newest
        // state of each bucket, which is what applying them one by one would leave.
        Map<String, UsageSnapshot> newest = new LinkedHashMap<>();
        for (UsageSnapshot snapshot : snapshots) {
            newest.merge(
                    snapshot.userId() + '\u0000' + snapshot.bucket(),
                    snapshot,
                    (stored, incoming) -> incoming.isAtLeastAsNewAs(stored) ? incoming : stored);
        }
        Collection<UsageSnapshot> rows = newest.values();
        jdbc.update(
                UPSERT_USAGE,
                rows.stream().map(UsageSnapshot::userId).toArray(String[]::new),
                rows.stream().map(UsageSnapshot::bucket).toArray(String[]::new),
                rows.stream().map(u -> u.tier().name()).toArray(String[]::new),
                rows.stream().map(u -> millis(u.periodStart())).toArray(Long[]::new),
                rows.stream().map(u -> millis(u.periodEnd())).toArray(Long[]::new),
                rows.stream().map(UsageSnapshot::tokensUsed).toArray(Long[]::new),
                rows.stream().map(u -> u.updatedAt().toEpochMilli()).toArray(Long[]::new),
                rows.stream().map(UsageSnapshot::limit).toArray(Long[]::new));
        notifier.announce(rows.stream().map(UsageSnapshot::userId).distinct().toList());
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    @Override
    public StoredState load(String userId) {
        return jdbc.query(
                LOAD,
                (ResultSet rs) -> {
                    SubscriptionSnapshot subscription = null;
                    List<UsageSnapshot> usage = new ArrayList<>();
                    while (rs.next()) {
                        if (subscription == null && rs.getString("tier") != null) {
                            subscription = subscription(userId, rs);
                        }
                        if (rs.getString("u_tier") != null) {
                            usage.add(usage(userId, rs));
                        }
                    }
                    return new StoredState(Optional.ofNullable(subscription), usage);
                },
                userId);
    }

    private static SubscriptionSnapshot subscription(String userId, ResultSet rs)
            throws SQLException {
        return new SubscriptionSnapshot(
                userId,
                Tier.parse(rs.getString("tier")),
                rs.getString("status"),
                instant(rs, "period_start"),
                instant(rs, "period_end"),
                rs.getBoolean("payment_failed"),
                instant(rs, "updated_at"),
                instant(rs, "last_stripe_event_created"),
                rs.getLong("version"));
    }

    private static UsageSnapshot usage(String userId, ResultSet rs) throws SQLException {
        return new UsageSnapshot(
                userId,
                Tier.parse(rs.getString("u_tier")),
                instant(rs, "u_period_start"),
                instant(rs, "u_period_end"),
                rs.getLong("tokens_used"),
                instant(rs, "u_updated_at"),
                rs.getLong("token_limit"));
    }

    /** timestamptz travels as an OffsetDateTime: no dependence on the JVM's time zone. */
    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
