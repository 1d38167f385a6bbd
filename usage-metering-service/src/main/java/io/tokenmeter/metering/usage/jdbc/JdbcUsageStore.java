package io.tokenmeter.metering.usage.jdbc;

import static io.tokenmeter.metering.usage.jdbc.Sql.instant;
import static io.tokenmeter.metering.usage.jdbc.Sql.millisToTimestamp;
import static io.tokenmeter.metering.usage.jdbc.Sql.timestamp;

import io.tokenmeter.metering.usage.BillingSegment;
import io.tokenmeter.metering.usage.BucketTotal;
import io.tokenmeter.metering.usage.Delivery;
import io.tokenmeter.metering.usage.Plan;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.SubscriptionChange;
import io.tokenmeter.metering.usage.ThresholdCrossing;
import io.tokenmeter.metering.usage.UsageSnapshot;
import io.tokenmeter.metering.usage.UsageStore;
import io.tokenmeter.schemas.Tier;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The usage store on PostgreSQL, built for batches: every hot-path statement takes whole arrays
 * ({@code unnest}) and runs once per batch, whatever the batch size.
 *
 * <p>Concurrency: a metering transaction starts by taking {@code ROW EXCLUSIVE} on {@code
 * usage_total} (metering transactions never block each other); a period change takes {@code
 * EXCLUSIVE} before anything else. So a period change never interleaves with a metering batch: it
 * sees every committed ledger row when it recomputes, and a batch that commits after it attributes
 * its sessions by the new segments.
 */
public class JdbcUsageStore implements UsageStore {

    /** A FREE bucket is stored at this period start, so that a bucket is a plain primary key. */
    static final String FREE_BUCKET = "'-infinity'::timestamptz";

    private static final String ADD_TO_LEDGER =
            "insert into session_ledger (session_id, user_id, completed_at, tokens,"
                    + " delivered_partition, delivered_offset)"
                    + " select s, u, "
                    + millisToTimestamp("m")
                    + ", t, p, o from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[],"
                    + " ?::int[], ?::bigint[]) as x(s, u, m, t, p, o)"
                    + " on conflict (session_id) do nothing returning session_id";

    /**
     * Of sessions already in the ledger: those counted by the very record now delivered again, at
     * or above its partition's committed mark (read before this batch moves the mark).
     */
    private static final String TO_ANNOUNCE_AGAIN =
            "select l.session_id from unnest(?::text[], ?::int[], ?::bigint[]) as x(s, p, o)"
                    + " join session_ledger l on l.session_id = x.s"
                    + " and l.delivered_partition = x.p and l.delivered_offset = x.o"
                    + " left join delivery_committed c on c.input = 'SESSIONS' and c.partition = x.p"
                    + " where x.o >= coalesce(c.below, 0)";

    private static final String DELIVERED_BELOW =
            "insert into delivery_committed as c (input, partition, below)"
                    + " select ?, p, o from unnest(?::int[], ?::bigint[]) as x(p, o)"
                    + " on conflict (input, partition) do update set below = excluded.below"
                    + " where excluded.below > c.below";

    /** A state already kept from this very record, delivered again at or above its mark. */
    private static final String STATE_TO_ANNOUNCE_AGAIN =
            "select exists (select 1 from subscription_change"
                    + " where delivered_partition = ? and delivered_offset = ?)"
                    + " and ? >= coalesce((select below from delivery_committed"
                    + " where input = 'SUBSCRIPTION_STATES' and partition = ?), 0)";

    private static final String ADD_TO_TOTALS =
            "with increment as (select x.u as user_id, coalesce(s.period_start, "
                    + FREE_BUCKET
                    + ") as period_start, coalesce(s.tier, 'FREE') as tier, sum(x.t) as tokens"
                    + " from unnest(?::text[], ?::bigint[], ?::bigint[]) as x(u, m, t)"
                    + " left join billing_segment s on s.user_id = x.u"
                    + " and s.segment_start <= "
                    + millisToTimestamp("x.m")
                    + " and s.segment_end > "
                    + millisToTimestamp("x.m")
                    + " group by 1, 2, 3),"
                    + " added as (insert into usage_total as total (user_id, period_start, tier,"
                    + " tokens) select * from increment"
                    + " on conflict (user_id, period_start) do update"
                    + " set tokens = total.tokens + excluded.tokens, tier = excluded.tier"
                    + " returning user_id, period_start, tier, tokens)"
                    + " select a.user_id, nullif(a.period_start, "
                    + FREE_BUCKET
                    + ") as period_start, a.tier, a.tokens, a.tokens - i.tokens as previous"
                    + " from added a join increment i"
                    + " on i.user_id = a.user_id and i.period_start = a.period_start";

    private static final String CROSSING_COLUMNS =
            "user_id, nullif(period_start, "
                    + FREE_BUCKET
                    + ") as period_start, threshold_percent, tokens_used, token_limit, crossed_at";

    private static final RowMapper<ThresholdCrossing> CROSSING =
            (rs, row) ->
                    new ThresholdCrossing(
                            rs.getString("user_id"),
                            instant(rs, "period_start"),
                            rs.getInt("threshold_percent"),
                            rs.getLong("tokens_used"),
                            rs.getLong("token_limit"),
                            instant(rs, "crossed_at").orElseThrow());

    /** The column a crossing's cause is kept in, by its kind. */
    private static String causeColumn(Cause cause) {
        return switch (cause) {
            case SESSION -> "cause_session_id";
            case SUBSCRIPTION_STATE -> "cause_state_record";
        };
    }

    private static final String RECORD_CROSSINGS =
            "insert into usage_threshold (user_id, period_start, threshold_percent, tokens_used,"
                    + " token_limit, crossed_at, %s)"
                    + " select u, coalesce("
                    + millisToTimestamp("p")
                    + ", "
                    + FREE_BUCKET
                    + "), pct, used, lim, "
                    + millisToTimestamp("at")
                    + ", cause from unnest(?::text[], ?::bigint[], ?::int[], ?::bigint[],"
                    + " ?::bigint[], ?::bigint[], ?::text[]) as x(u, p, pct, used, lim, at, cause)"
                    + " on conflict do nothing"
                    + " returning "
                    + CROSSING_COLUMNS;

    private static final String CROSSINGS_CAUSED_BY =
            "select " + CROSSING_COLUMNS + " from usage_threshold where %s = any(?::text[])";

    private static final String CURRENT_USAGE =
            "select u.user_id, coalesce(p.tier, 'FREE') as tier, p.period_start, p.period_end,"
                    + " coalesce(t.tokens, 0) as tokens"
                    + " from unnest(?::text[]) as u(user_id)"
                    + " left join user_plan p on p.user_id = u.user_id"
                    + " left join usage_total t on t.user_id = u.user_id"
                    + " and t.period_start = coalesce(p.bucket, "
                    + FREE_BUCKET
                    + ")";

    private static final String RECOMPUTE_TOTALS =
            "insert into usage_total (user_id, period_start, tier, tokens)"
                    + " select l.user_id, coalesce(s.period_start, "
                    + FREE_BUCKET
                    + "), coalesce(s.tier, 'FREE'), sum(l.tokens)"
                    + " from session_ledger l left join billing_segment s on s.user_id = l.user_id"
                    + " and s.segment_start <= l.completed_at and s.segment_end > l.completed_at"
                    + " where l.user_id = ? group by 1, 2, 3"
                    + " returning user_id, nullif(period_start, "
                    + FREE_BUCKET
                    + ") as period_start, tier, tokens, 0 as previous";

    private static final RowMapper<BucketTotal> BUCKET_TOTAL =
            (rs, row) ->
                    new BucketTotal(
                            rs.getString("user_id"),
                            instant(rs, "period_start"),
                            Tier.valueOf(rs.getString("tier")),
                            rs.getLong("tokens"),
                            rs.getLong("previous"));

    private final JdbcTemplate jdbc;

    public JdbcUsageStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Ledgered addToLedger(List<SessionUsage> sessions) {
        jdbc.execute("lock table usage_total in row exclusive mode");
        int n = sessions.size();
        String[] ids = new String[n];
        String[] users = new String[n];
        Long[] completedAt = new Long[n];
        Long[] tokens = new Long[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        Map<Integer, Long> lowest = new HashMap<>();
        for (int i = 0; i < n; i++) {
            SessionUsage session = sessions.get(i);
            ids[i] = session.sessionId();
            users[i] = session.userId();
            completedAt[i] = session.completedAt().toEpochMilli();
            tokens[i] = session.totalTokens();
            Delivery delivery = session.delivery();
            if (delivery.known()) {
                partitions[i] = delivery.lane();
                offsets[i] = delivery.position();
                lowest.merge(delivery.lane(), delivery.position(), Math::min);
            }
        }
        Set<String> added =
                new HashSet<>(
                        jdbc.queryForList(
                                ADD_TO_LEDGER,
                                String.class,
                                ids,
                                users,
                                completedAt,
                                tokens,
                                partitions,
                                offsets));
        Set<String> again = added.size() == n ? Set.of() : announceAgain(sessions, added);
        if (!lowest.isEmpty()) {
            deliveredBelow(Input.SESSIONS, lowest);
        }
        return new Ledgered(added, again);
    }

    /** Sessions not added that their own record delivers again (see {@link #addToLedger}). */
    private Set<String> announceAgain(List<SessionUsage> sessions, Set<String> added) {
        List<SessionUsage> known =
                sessions.stream()
                        .filter(s -> s.delivery().known() && !added.contains(s.sessionId()))
                        .toList();
        if (known.isEmpty()) {
            return Set.of();
        }
        String[] ids = known.stream().map(SessionUsage::sessionId).toArray(String[]::new);
        Integer[] partitions = known.stream().map(s -> s.delivery().lane()).toArray(Integer[]::new);
        Long[] offsets = known.stream().map(s -> s.delivery().position()).toArray(Long[]::new);
        return new HashSet<>(
                jdbc.queryForList(TO_ANNOUNCE_AGAIN, String.class, ids, partitions, offsets));
    }

    @Override
    public void deliveredBelow(Input input, Map<Integer, Long> positions) {
        Integer[] partitions = positions.keySet().toArray(Integer[]::new);
        Long[] below = Arrays.stream(partitions).map(positions::get).toArray(Long[]::new);
        jdbc.update(DELIVERED_BELOW, input.name(), partitions, below);
    }

    @Override
    public List<BucketTotal> addToTotals(List<SessionUsage> counted) {
        int n = counted.size();
        String[] users = new String[n];
        Long[] completedAt = new Long[n];
        Long[] tokens = new Long[n];
        for (int i = 0; i < n; i++) {
            SessionUsage session = counted.get(i);
            users[i] = session.userId();
            completedAt[i] = session.completedAt().toEpochMilli();
            tokens[i] = session.totalTokens();
        }
        return jdbc.query(ADD_TO_TOTALS, BUCKET_TOTAL, users, completedAt, tokens);
    }

    @Override
    public List<ThresholdCrossing> recordCrossings(
            List<ThresholdCrossing> reached, Cause cause, Map<String, String> causeByUser) {
        int n = reached.size();
        String[] users = new String[n];
        Long[] periods = new Long[n];
        Integer[] percents = new Integer[n];
        Long[] used = new Long[n];
        Long[] limits = new Long[n];
        Long[] at = new Long[n];
        String[] causes = new String[n];
        for (int i = 0; i < n; i++) {
            ThresholdCrossing crossing = reached.get(i);
            causes[i] = causeByUser.get(crossing.userId());
            users[i] = crossing.userId();
            periods[i] = crossing.periodStart().map(Instant::toEpochMilli).orElse(null);
            percents[i] = crossing.thresholdPercent();
            used[i] = crossing.tokensUsed();
            limits[i] = crossing.limit();
            at[i] = crossing.crossedAt().toEpochMilli();
        }
        return inAnnouncementOrder(
                jdbc.query(
                        String.format(RECORD_CROSSINGS, causeColumn(cause)),
                        CROSSING,
                        users,
                        periods,
                        percents,
                        used,
                        limits,
                        at,
                        causes));
    }

    @Override
    public List<ThresholdCrossing> crossingsCausedBy(Cause cause, Collection<String> causes) {
        return inAnnouncementOrder(
                jdbc.query(
                        String.format(CROSSINGS_CAUSED_BY, causeColumn(cause)),
                        CROSSING,
                        (Object) causes.toArray(String[]::new)));
    }

    /** A stable order: by user, bucket, then the lower threshold first. */
    private static List<ThresholdCrossing> inAnnouncementOrder(List<ThresholdCrossing> crossings) {
        List<ThresholdCrossing> ordered = new ArrayList<>(crossings);
        ordered.sort(
                java.util.Comparator.comparing(ThresholdCrossing::userId)
                        .thenComparing(c -> c.periodStart().orElse(Instant.MIN))
                        .thenComparingInt(ThresholdCrossing::thresholdPercent));
        return ordered;
    }

    @Override
    public Map<String, UsageSnapshot> currentUsage(Collection<String> userIds) {
        Map<String, UsageSnapshot> usage = new LinkedHashMap<>();
        jdbc.query(
                CURRENT_USAGE,
                (ResultSet rs) -> {
                    String user = rs.getString("user_id");
                    usage.put(user, new UsageSnapshot(user, plan(rs), rs.getLong("tokens")));
                },
                (Object) userIds.toArray(String[]::new));
        return usage;
    }

    /**
     * The plan a row read from {@code user_plan} holds: its {@code tier} (FREE when the user has
     * none), {@code period_start} and {@code period_end}.
     */
    public static Plan plan(ResultSet rs) throws SQLException {
        return Plan.of(
                Tier.valueOf(rs.getString("tier")),
                instant(rs, "period_start"),
                instant(rs, "period_end"));
    }

    @Override
    public KeptChanges addSubscriptionChanges(List<SubscriptionChange> changes) {
        jdbc.execute("lock table usage_total in exclusive mode");
        List<SubscriptionChange> kept = new ArrayList<>();
        List<SubscriptionChange> again = new ArrayList<>();
        Map<Integer, Long> lowest = new HashMap<>();
        for (SubscriptionChange change : changes) {
            Delivery delivery = change.delivery();
            Integer partition = delivery.known() ? delivery.lane() : null;
            Long offset = delivery.known() ? delivery.position() : null;
            int inserted =
                    jdbc.update(
                            "insert into subscription_change (user_id, tier, status, period_start,"
                                    + " period_end, stripe_event_created, updated_at, version,"
                                    + " delivered_partition, delivered_offset)"
                                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                    + " on conflict on constraint subscription_change_distinct"
                                    + " do nothing",
                            change.userId(),
                            change.tier().name(),
                            change.status(),
                            timestamp(change.periodStart()),
                            timestamp(change.periodEnd()),
                            timestamp(change.stripeEventCreated()),
                            timestamp(change.updatedAt()),
                            change.version(),
                            partition,
                            offset);
            if (inserted == 1) {
                kept.add(change);
            } else if (delivery.known()
                    && Boolean.TRUE.equals(
                            jdbc.queryForObject(
                                    STATE_TO_ANNOUNCE_AGAIN,
                                    Boolean.class,
                                    partition,
                                    offset,
                                    offset,
                                    partition))) {
                again.add(change);
            }
            if (delivery.known()) {
                lowest.merge(partition, offset, Math::min);
            }
        }
        if (!lowest.isEmpty()) {
            deliveredBelow(Input.SUBSCRIPTION_STATES, lowest);
        }
        return new KeptChanges(kept, again);
    }

    @Override
    public List<SubscriptionChange> subscriptionChanges(String userId) {
        return jdbc.query(
                "select * from subscription_change where user_id = ?",
                (rs, row) ->
                        new SubscriptionChange(
                                rs.getString("user_id"),
                                Tier.valueOf(rs.getString("tier")),
                                rs.getString("status"),
                                instant(rs, "period_start"),
                                instant(rs, "period_end"),
                                instant(rs, "stripe_event_created").orElseThrow(),
                                instant(rs, "updated_at").orElseThrow(),
                                rs.getLong("version")),
                userId);
    }

    @Override
    public List<BillingSegment> segments(String userId) {
        return jdbc.query(
                "select * from billing_segment where user_id = ? order by segment_start",
                (rs, row) ->
                        new BillingSegment(
                                instant(rs, "segment_start").orElseThrow(),
                                instant(rs, "segment_end").orElseThrow(),
                                instant(rs, "period_start").orElseThrow(),
                                Tier.valueOf(rs.getString("tier"))),
                userId);
    }

    @Override
    public List<BucketTotal> replaceSegments(String userId, List<BillingSegment> segments) {
        jdbc.execute("lock table usage_total in exclusive mode");
        jdbc.update("delete from billing_segment where user_id = ?", userId);
        jdbc.batchUpdate(
                "insert into billing_segment (user_id, segment_start, segment_end, period_start,"
                        + " tier) values (?, ?, ?, ?, ?)",
                segments,
                segments.size(),
                (PreparedStatement statement, BillingSegment segment) -> {
                    statement.setString(1, userId);
                    statement.setObject(2, timestamp(segment.start()));
                    statement.setObject(3, timestamp(segment.end()));
                    statement.setObject(4, timestamp(segment.periodStart()));
                    statement.setString(5, segment.tier().name());
                });
        jdbc.update("delete from usage_total where user_id = ?", userId);
        return jdbc.query(RECOMPUTE_TOTALS, BUCKET_TOTAL, userId);
    }

    @Override
    public void savePlan(String userId, Plan plan) {
        jdbc.update(
                "insert into user_plan (user_id, tier, period_start, period_end, bucket)"
                        + " values (?, ?, ?, ?, coalesce(?, "
                        + FREE_BUCKET
                        + "))"
                        + " on conflict (user_id) do update set tier = excluded.tier,"
                        + " period_start = excluded.period_start,"
                        + " period_end = excluded.period_end, bucket = excluded.bucket",
                userId,
                plan.tier().name(),
                timestamp(plan.periodStart()),
                timestamp(plan.periodEnd()),
                timestamp(plan.bucket()));
    }
}
