package io.tokenmeter.dashboard.sessions.web;

import io.tokenmeter.dashboard.sessions.PricedSession;
import java.time.Instant;
import java.util.List;

/**
 * The JSON of {@code GET /api/sessions/{session_id}/cost} (CONTRACT §3.4), snake_case. Phases and
 * costs are written as the session holds them; only the costs' name differs on the wire.
 */
record SessionDocument(
        String sessionId,
        String userId,
        Instant completedAt,
        long totalTokens,
        List<PricedSession.Phase> phases,
        PricedSession.Costs costBreakdown) {

    static SessionDocument of(PricedSession session) {
        return new SessionDocument(
                session.sessionId(),
                session.userId(),
                session.completedAt(),
                session.totalTokens(),
                session.phases(),
                session.costs());
    }
}
