package io.tokenmeter.metering.reservation.jdbc;

import io.tokenmeter.metering.reservation.Hold;
import io.tokenmeter.metering.reservation.Quota;
import io.tokenmeter.metering.reservation.ReservationStore;
import io.tokenmeter.metering.usage.Plan;
import io.tokenmeter.schemas.Tier;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** Holds on PostgreSQL ({@code reservation}, {@code reservation_user}). */
public class JdbcReservationStore implements ReservationStore {

    /**
     * A hold whose session is in the ledger was settled by its metering (which counted the session
     * in full): an admission that raced that batch may have saved it after the batch's delete, and
     * the sweeper deletes it later. Reads leave it out from the batch's commit on.
     */
    private static final String NOT_METERED =
            " and not exists (select 1 from session_ledger l where l.session_id = r.session_id)";

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
                    + " where r.user_id = u.user_id and r.expires_at > ?"
                    + NOT_METERED
                    + ") as held"
                    + " from unnest(?::text[]) as u(user_id)"
                    + " left join user_plan p on p.user_id = u.user_id";

    /**
     * Four statements sent in one round trip and run in order: the users' rows (sorted), created
     * where missing and locked, which serializes admissions of a user across threads and instances;
     * the sessions' holds (locked, sorted); which sessions were metered; and each user's plan,
     * usage in the plan's bucket and live holds. Under READ COMMITTED each statement reads a
     * snapshot taken when it starts, so the reads see everything committed before the locks were
     * granted.
     */
    private static final String LOCK_AND_READ_ALL =
            "insert into reservation_user (user_id) select u from unnest(?::text[]) as u"
                    + " order by u on conflict do nothing;"
                    + " select user_id from reservation_user where user_id = any(?::text[])"
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

    private final JdbcTemplate jdbc;

    public JdbcReservationStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public AdmittingAll lockAndReadAll(
            Collection<String> userIds, Collection<String> sessionIds, Instant now) {
        return jdbc.execute(
                (ConnectionCallback<AdmittingAll>)
                        connection -> {
                            try (PreparedStatement statement =
                                    connection.prepareStatement(LOCK_AND_READ_ALL)) {
                                Array users =
                                        connection.createArrayOf(
                                                "text", userIds.toArray(String[]::new));
                                Array sessions =
                                        connection.createArrayOf(
                                                "text", sessionIds.toArray(String[]::new));
                                statement.setArray(1, users);
                                statement.setArray(2, users);
                                statement.setArray(3, sessions);
                                statement.setArray(4, sessions);
                                statement.setObject(5, timestamp(now));
                                statement.setArray(6, users);
                                statement.execute(); // the insert
                                statement.getMoreResults(); // the users, locked
                                statement.getMoreResults();
                                Map<String, Hold> holds = new HashMap<>();
                                try (ResultSet rs = statement.getResultSet()) {
                                    while (rs.next()) {
                                        Hold hold = HOLD.mapRow(rs, 0);
                                        holds.put(hold.sessionId(), hold);
                                    }
                                }
                                statement.getMoreResults();
                                Set<String> metered = new HashSet<>();
                                try (ResultSet rs = statement.getResultSet()) {
                                    while (rs.next()) {
                                        metered.add(rs.getString(1));
                                    }
                                }
                                statement.getMoreResults();
                                Map<String, Quota> quotas = new HashMap<>();
                                try (ResultSet rs = statement.getResultSet()) {
                                    while (rs.next()) {
                                        String userId = rs.getString("user_id");
                                        quotas.put(userId, quota(rs, userId));
                                    }
                                }
                                return new AdmittingAll(metered, holds, quotas);
                            }
                        });
    }

    @Override
    public Quota quota(String userId, Instant now) {
        return jdbc.query(
                connection -> {
                    PreparedStatement statement = connection.prepareStatement(QUOTAS);
                    statement.setObject(1, timestamp(now));
                    statement.setArray(2, connection.createArrayOf("text", new String[] {userId}));
                    return statement;
                },
                (ResultSet rs) -> {
                    rs.next();
                    return quota(rs, userId);
                });
    }

    private static Quota quota(ResultSet rs, String userId) throws SQLException {
        Tier tier = Tier.valueOf(rs.getString("tier"));
        Plan plan =
                tier.paid()
                        ? new Plan(
                                tier,
                                optionalInstant(rs, "period_start"),
                                optionalInstant(rs, "period_end"))
                        : Plan.FREE;
        return new Quota(userId, plan, rs.getLong("used"), rs.getLong("held"));
    }

    @Override
    public void saveAll(Collection<Hold> holds, Instant now) {
        List<Hold> list = List.copyOf(holds);
        jdbc.execute(
                (ConnectionCallback<Integer>)
                        connection -> {
                            try (PreparedStatement statement =
                                    connection.prepareStatement(
                                            "insert into reservation"
                                                    + " (session_id, user_id, tokens, expires_at,"
                                                    + " created_at)"
                                                    + " select s, u, t, e, ? from unnest("
                                                    + "?::text[], ?::text[], ?::bigint[],"
                                                    + " ?::text[]::timestamptz[]) as h(s, u, t, e)"
                                                    + " on conflict (session_id) do update"
                                                    + " set user_id = excluded.user_id,"
                                                    + " tokens = excluded.tokens,"
                                                    + " expires_at = excluded.expires_at")) {
                                statement.setObject(1, timestamp(now));
                                statement.setArray(
                                        2,
                                        connection.createArrayOf(
                                                "text",
                                                list.stream()
                                                        .map(Hold::sessionId)
                                                        .toArray(String[]::new)));
                                statement.setArray(
                                        3,
                                        connection.createArrayOf(
                                                "text",
                                                list.stream()
                                                        .map(Hold::userId)
                                                        .toArray(String[]::new)));
                                statement.setArray(
                                        4,
                                        connection.createArrayOf(
                                                "bigint",
                                                list.stream()
                                                        .map(Hold::tokens)
                                                        .toArray(Long[]::new)));
                                // As ISO-8601 text: the driver has no timestamptz arrays.
                                statement.setArray(
                                        5,
                                        connection.createArrayOf(
                                                "text",
                                                list.stream()
                                                        .map(hold -> hold.expiresAt().toString())
                                                        .toArray(String[]::new)));
                                return statement.executeUpdate();
                            }
                        });
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
                        "select coalesce(sum(tokens), 0) from reservation r where expires_at > ?"
                                + NOT_METERED,
                        Long.class,
                        timestamp(now));
        return held == null ? 0 : held;
    }

    @Override
    public List<SettledHold> deleteSettledLate(int max) {
        // SKIP LOCKED, as for expired holds.
        return jdbc.query(
                "delete from reservation r using session_ledger l"
                        + " where l.session_id = r.session_id and r.session_id in"
                        + " (select r2.session_id from reservation r2 join session_ledger l2"
                        + " using (session_id) order by r2.session_id limit ?"
                        + " for update of r2 skip locked) returning r.*, l.tokens as used",
                (rs, row) -> new SettledHold(HOLD.mapRow(rs, row), rs.getLong("used")),
                max);
    }

    @Override
    public List<Hold> settle(Collection<String> sessionIds) {
        String[] ids = sessionIds.toArray(String[]::new);
        return jdbc.query(
                connection -> {
                    PreparedStatement statement =
                            // Locked in session order, as admissions lock holds: no deadlock.
                            connection.prepareStatement(
                                    "delete from reservation where session_id in (select"
                                            + " session_id from reservation where session_id ="
                                            + " any(?::text[]) order by session_id for update)"
                                            + " returning *");
                    statement.setArray(1, connection.createArrayOf("text", ids));
                    return statement;
                },
                HOLD);
    }

    private static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Optional<Instant> optionalInstant(ResultSet rs, String column)
            throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class))
                .map(OffsetDateTime::toInstant);
    }
}
