package io.tokenmeter.dashboard.sessions.jdbc;

import io.tokenmeter.dashboard.sessions.PricedSession;
import io.tokenmeter.dashboard.sessions.SessionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Priced sessions in PostgreSQL, phases as a jsonb array (read and written whole). */
@Repository
class JdbcSessionStore implements SessionStore {

    private static final TypeReference<List<PricedSession.Phase>> PHASES = new TypeReference<>() {};

    private static final String UPSERT =
            """
            INSERT INTO session_cost (session_id, user_id, completed_at, total_tokens, phases,
                prompt_cost_usd, completion_cost_usd, cached_cost_usd, total_cost_usd,
                cached_savings_usd)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
            ON CONFLICT (session_id) DO UPDATE SET
                user_id = excluded.user_id, completed_at = excluded.completed_at,
                total_tokens = excluded.total_tokens, phases = excluded.phases,
                prompt_cost_usd = excluded.prompt_cost_usd,
                completion_cost_usd = excluded.completion_cost_usd,
                cached_cost_usd = excluded.cached_cost_usd,
                total_cost_usd = excluded.total_cost_usd,
                cached_savings_usd = excluded.cached_savings_usd
            """;

    private static final String COLUMNS =
            "session_id, user_id, completed_at, total_tokens, phases::text AS phases,"
                    + " prompt_cost_usd, completion_cost_usd, cached_cost_usd, total_cost_usd,"
                    + " cached_savings_usd";

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    JdbcSessionStore(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    @Transactional
    public void saveAll(List<PricedSession> sessions) {
        jdbc.batchUpdate(
                UPSERT,
                sessions,
                sessions.size(),
                (PreparedStatement ps, PricedSession s) -> {
                    ps.setString(1, s.sessionId());
                    ps.setString(2, s.userId());
                    ps.setObject(
                            3,
                            s.completedAt().atOffset(ZoneOffset.UTC),
                            Types.TIMESTAMP_WITH_TIMEZONE);
                    ps.setLong(4, s.totalTokens());
                    ps.setString(5, json.writeValueAsString(s.phases()));
                    ps.setString(6, s.costs().promptCostUsd());
                    ps.setString(7, s.costs().completionCostUsd());
                    ps.setString(8, s.costs().cachedCostUsd());
                    ps.setString(9, s.costs().totalCostUsd());
                    ps.setString(10, s.costs().cachedSavingsUsd());
                });
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

    private PricedSession session(ResultSet rs, int row) throws SQLException {
        return new PricedSession(
                rs.getString("session_id"),
                rs.getString("user_id"),
                rs.getObject("completed_at", OffsetDateTime.class).toInstant(),
                rs.getLong("total_tokens"),
                json.readValue(rs.getString("phases"), PHASES),
                new PricedSession.Costs(
                        rs.getString("prompt_cost_usd"),
                        rs.getString("completion_cost_usd"),
                        rs.getString("cached_cost_usd"),
                        rs.getString("total_cost_usd"),
                        rs.getString("cached_savings_usd")));
    }
}
