package io.tokenmeter.metering.reservation.jdbc;

import io.tokenmeter.metering.reservation.Hold;
import io.tokenmeter.metering.reservation.Quota;
import io.tokenmeter.metering.reservation.ReservationStore;
import io.tokenmeter.metering.usage.jdbc.JdbcUsageStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.RowMapper;

/** Holds on PostgreSQL ({@code reservation}, {@code reservation_user}). */
public class JdbcReservationStore implements ReservationStore {

    /**
     * Each user's plan, usage in the plan's bucket (as the quota endpoint has always read it) and
     * live holds, in one statement so that they come from one snapshot: a settlement committing
     * meanwhile is seen whole (usage up, hold gone) or not at all. Parameters: the time, the users.
     */
    private static final String QUOTAS =
            "select u.user_id, coalesce(p.tier, 'FREE') as tier, p.period_start,"
                    + " p.period_end,"
                    + " coalesce((select t.tokens from usage_total t where t.user_id = u.user_id"
                    + " and t.period_start = coalesce(p.bucket, '-infinity'::timestamptz)), 0)"
                    + " as used,"
                    + " (select coalesce(sum(r.tokens), 0) from reservation r"
                    + " where r.user_id = u.user_id and r.expires_at > ?) as held"
                    + " from unnest(?::text[]) as u(user_id)"
                    + " left join user_plan p on p.user_id = u.user_id";

    /**
     * Four statements sent in one round trip and run in order: the users' locks (sorted, as
     * metering's settlement takes them, so that two admissions or an admission and a batch cannot
     * deadlock on them), the sessions' holds (locked, sorted), which sessions were metered, and
     * each user's plan, usage in the plan's bucket and live holds. Under READ COMMITTED each
     * statement reads a snapshot taken when it starts, so the reads see everything committed before
     * the locks were granted.
     */
    private static final String LOCK_AND_READ_ALL =
            "select user_id from reservation_user where user_id = any(?::text[])"
                    + " order by user_id for update;"
                    + " select * from reservation where session_id = any(?::text[])"
                    + " order by session_id for update;"
                    + " select session_id from session_ledger where session_id = any(?::text[]);"
                    + " "
                    + QUOTAS;

    private static final RowMapper<Hold> HOLD =
            (rs, row) ->
                    new Hold(
                            rs.getString("session_id"),
                            rs.getString("user_id"),
                            rs.getLong("tokens"),
                            instant(rs, "expires_at"));

    /** The plan is read as metering reads it. */
    private static final RowMapper<Quota> QUOTA =
            (rs, row) ->
                    new Quota(
                            rs.getString("user_id"),
                            JdbcUsageStore.plan(rs),
                            rs.getLong("used"),
                            rs.getLong("held"));

    private final JdbcTemplate jdbc;

    public JdbcReservationStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public AdmittingAll lockAndReadAll(
            Collection<String> userIds, Collection<String> sessionIds, Instant now) {
        String[] users = userIds.toArray(String[]::new);
        String[] sessions = sessionIds.toArray(String[]::new);
        Set<String> locked = new HashSet<>();
        Map<String, Hold> holds = new HashMap<>();
        Set<String> metered = new HashSet<>();
        Map<String, Quota> quotas = new HashMap<>();
        jdbc.execute(
                LOCK_AND_READ_ALL,
                (PreparedStatement ps) -> {
                    ps.setObject(1, users);
                    ps.setObject(2, sessions);
                    ps.setObject(3, sessions);
                    ps.setObject(4, timestamp(now));
                    ps.setObject(5, users);
                    ps.execute();
                    eachRow(ps, rs -> locked.add(rs.getString(1)));
                    eachRow(ps, rs -> holds.put(rs.getString("session_id"), HOLD.mapRow(rs, 0)));
                    eachRow(ps, rs -> metered.add(rs.getString(1)));
                    eachRow(ps, rs -> quotas.put(rs.getString("user_id"), QUOTA.mapRow(rs, 0)));
                    return null;
                });
        return new AdmittingAll(locked, metered, holds, quotas);
    }

    /** Runs {@code row} on each row of the statement's current result, then moves to the next. */
    private static void eachRow(PreparedStatement statement, RowCallbackHandler row)
            throws SQLException {
        try (ResultSet rs = statement.getResultSet()) {
            while (rs.next()) {
                row.processRow(rs);
            }
        }
        statement.getMoreResults();
    }

    /**
     * Every metering batch holds {@code ROW EXCLUSIVE} on {@code usage_total} from before its
     * ledger insert to its commit ({@code JdbcUsageStore}); {@code SHARE} conflicts with it. So
     * this waits for the batches in flight, which may have looked for the user's row before it
     * existed and skipped their holds: once it commits, their sessions are in the ledger for the
     * admission to see, and every later batch finds the row. Once per user, ever, and once for all
     * the new users of an admission batch.
     */
    @Override
    public void addUsers(Collection<String> userIds) {
        jdbc.execute("lock table usage_total in share mode");
        jdbc.update(
                "insert into reservation_user (user_id) select u from unnest(?::text[]) as u"
                        + " order by u on conflict do nothing",
                (Object) userIds.toArray(String[]::new));
    }

    @Override
    public Quota quota(String userId, Instant now) {
        return jdbc.queryForObject(QUOTAS, QUOTA, timestamp(now), new String[] {userId});
    }

    @Override
    public void saveAll(Collection<Hold> holds, Instant now) {
        jdbc.update(
                "insert into reservation (session_id, user_id, tokens, expires_at, created_at)"
                        + " select s, u, t, e, ? from unnest(?::text[], ?::text[], ?::bigint[],"
                        + " ?::text[]::timestamptz[]) as h(s, u, t, e)"
                        + " on conflict (session_id) do update set user_id = excluded.user_id,"
                        + " tokens = excluded.tokens, expires_at = excluded.expires_at",
                timestamp(now),
                holds.stream().map(Hold::sessionId).toArray(String[]::new),
                holds.stream().map(Hold::userId).toArray(String[]::new),
                holds.stream().map(Hold::tokens).toArray(Long[]::new),
                // As ISO-8601 text: the driver has no timestamptz arrays.
                holds.stream().map(hold -> hold.expiresAt().toString()).toArray(String[]::new));
    }

    @Override
    public Optional<Hold> release(String userId, String sessionId) {
        return jdbc
                .query(
                        "delete from reservation where session_id = ? and user_id = ?"
                                + " returning *",
                        HOLD,
                        sessionId,
                        userId)
                .stream()
                .findFirst();
    }

    @Override
    public List<Hold> deleteExpired(Instant now, int max) {
        // SKIP LOCKED: a hold an admission is replacing or a batch settling is theirs to handle.
        return jdbc.query(
                "delete from reservation where session_id in (select session_id from reservation"
                        + " where expires_at <= ? order by expires_at limit ?"
                        + " for update skip locked) returning *",
                HOLD,
                timestamp(now),
                max);
    }

    @Override
    public long heldTokens(Instant now) {
        Long held =
                jdbc.queryForObject(
                        "select coalesce(sum(tokens), 0) from reservation where expires_at > ?",
                        Long.class,
                        timestamp(now));
        return held == null ? 0 : held;
    }

    @Override
    public Set<String> lockUsers(Collection<String> userIds) {
        return new LinkedHashSet<>(
                jdbc.queryForList(
                        "select user_id from reservation_user where user_id = any(?::text[])"
                                + " order by user_id for update",
                        String.class,
                        (Object) userIds.toArray(String[]::new)));
    }

    @Override
    public Set<String> heldSessions(Collection<String> sessionIds) {
        return new HashSet<>(
                jdbc.queryForList(
                        "select session_id from reservation where session_id = any(?::text[])",
                        String.class,
                        (Object) sessionIds.toArray(String[]::new)));
    }

    @Override
    public List<Hold> settle(Collection<String> sessionIds) {
        return jdbc.query(
                "delete from reservation where session_id = any(?::text[]) returning *",
                HOLD,
                (Object) sessionIds.toArray(String[]::new));
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
