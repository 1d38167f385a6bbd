package io.tokenmeter.dashboard.sessions.jdbc;

import io.tokenmeter.dashboard.sessions.PricedSession;
import io.tokenmeter.dashboard.sessions.PricedSession.Costs;
import io.tokenmeter.dashboard.sessions.SessionStore;
import io.tokenmeter.dashboard.status.RecentSessions;
import io.tokenmeter.dashboard.status.jdbc.ChangeNotifier;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Priced sessions in PostgreSQL, phases as a json array (read and written whole). */
@Repository
class JdbcSessionStore implements SessionStore, RecentSessions {

    private static final TypeReference<List<PricedSession.Phase>> PHASES = new TypeReference<>() {};

    /**
     * One statement for a whole batch, the rows travelling as arrays (timestamps as epoch
     * milliseconds, exact): at thousands of sessions a second, a statement per row cost PostgreSQL
     * an executor start per row. A session delivered again with the same content rewrites nothing.
     */
    private static final String UPSERT =
            """
            INSERT INTO session_cost AS c (session_id, user_id, completed_at, total_tokens, phases,
                prompt_cost_usd, completion_cost_usd, cached_cost_usd, total_cost_usd,
                cached_savings_usd)
            SELECT r.session_id, r.user_id,
                   timestamptz 'epoch' + r.completed_at * interval '1 millisecond',
                   r.total_tokens, r.phases::json, r.prompt, r.completion, r.cached, r.total,
                   r.savings
            FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[],
                        ?::text[], ?::text[], ?::text[], ?::text[])
                AS r(session_id, user_id, completed_at, total_tokens, phases, prompt, completion,
                     cached, total, savings)
            ON CONFLICT (session_id) DO UPDATE SET
                user_id = excluded.user_id, completed_at = excluded.completed_at,
                total_tokens = excluded.total_tokens, phases = excluded.phases,
                prompt_cost_usd = excluded.prompt_cost_usd,
                completion_cost_usd = excluded.completion_cost_usd,
                cached_cost_usd = excluded.cached_cost_usd,
                total_cost_usd = excluded.total_cost_usd,
                cached_savings_usd = excluded.cached_savings_usd
            WHERE (c.user_id, c.completed_at, c.total_tokens, c.phases::text, c.prompt_cost_usd,
                   c.completion_cost_usd, c.cached_cost_usd, c.total_cost_usd,
                   c.cached_savings_usd)
                IS DISTINCT FROM
                  (excluded.user_id, excluded.completed_at, excluded.total_tokens,
                   excluded.phases::text, excluded.prompt_cost_usd, excluded.completion_cost_usd,
                   excluded.cached_cost_usd, excluded.total_cost_usd, excluded.cached_savings_usd)
            """;

    private static final String COLUMNS =
            "session_id, user_id, completed_at, total_tokens, phases::text AS phases,"
                    + " prompt_cost_usd, completion_cost_usd, cached_cost_usd, total_cost_usd,"
                    + " cached_savings_usd";

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final ChangeNotifier statusChanges;

    /**
     * @param statusChanges told, in the saving transaction, whose status answer changed: it
     *     estimates the sessions left from the latest sessions
     */
    JdbcSessionStore(JdbcTemplate jdbc, JsonMapper json, ChangeNotifier statusChanges) {
        this.jdbc = jdbc;
        this.json = json;
        this.statusChanges = statusChanges;
    }

    @Override
    @Transactional
    public void saveAll(List<PricedSession> sessions) {
        // One row per session: a statement may not update the same row twice, and the last
        // delivery of a session in the batch is the one that stands.
        Map<String, PricedSession> last = new LinkedHashMap<>();
        sessions.forEach(session -> last.put(session.sessionId(), session));
        Collection<PricedSession> rows = last.values();
        List<Costs> costs = rows.stream().map(PricedSession::costBreakdown).toList();
        jdbc.update(
                UPSERT,
                rows.stream().map(PricedSession::sessionId).toArray(String[]::new),
                rows.stream().map(PricedSession::userId).toArray(String[]::new),
                rows.stream().map(s -> s.completedAt().toEpochMilli()).toArray(Long[]::new),
                rows.stream().map(PricedSession::totalTokens).toArray(Long[]::new),
                rows.stream().map(s -> json.writeValueAsString(s.phases())).toArray(String[]::new),
                costs.stream().map(Costs::promptCostUsd).toArray(String[]::new),
                costs.stream().map(Costs::completionCostUsd).toArray(String[]::new),
                costs.stream().map(Costs::cachedCostUsd).toArray(String[]::new),
                costs.stream().map(Costs::totalCostUsd).toArray(String[]::new),
                costs.stream().map(Costs::cachedSavingsUsd).toArray(String[]::new));
        statusChanges.announce(rows.stream().map(PricedSession::userId).distinct().toList());
    }

    @Override
    public Optional<PricedSession> find(String sessionId) {
        return jdbc
                .query(
                        "SELECT " + COLUMNS + " FROM session_cost WHERE session_id = ?",
                        this::session,
                        sessionId)
                .stream()
                .findFirst();
    }

    @Override
    public List<PricedSession> recent(String userId, int limit) {
        return jdbc.query(
                "SELECT "
                        + COLUMNS
                        + " FROM session_cost WHERE user_id = ?"
                        + " ORDER BY completed_at DESC, session_id LIMIT ?",
                this::session,
                userId,
                limit);
    }

    /** The status answer's estimate of sessions left comes from the session history. */
    @Override
    public Tokens latest(String userId) {
        return jdbc.queryForObject(
                "SELECT count(*) AS sessions, coalesce(sum(total_tokens), 0) AS tokens FROM"
                        + " (SELECT total_tokens FROM session_cost WHERE user_id = ?"
                        + " ORDER BY completed_at DESC, session_id LIMIT ?) AS latest",
                (rs, row) -> new Tokens(rs.getInt("sessions"), rs.getLong("tokens")),
                userId,
                RecentSessions.COUNT);
    }

    private PricedSession session(ResultSet rs, int row) throws SQLException {
        return new PricedSession(
                rs.getString("session_id"),
                rs.getString("user_id"),
                rs.getObject("completed_at", OffsetDateTime.class).toInstant(),
                rs.getLong("total_tokens"),
                json.readValue(rs.getString("phases"), PHASES),
                new Costs(
                        rs.getString("prompt_cost_usd"),
                        rs.getString("completion_cost_usd"),
                        rs.getString("cached_cost_usd"),
                        rs.getString("total_cost_usd"),
                        rs.getString("cached_savings_usd")));
    }
}
