package io.tokenmeter.dashboard.sessions.web;

import io.tokenmeter.dashboard.sessions.PricedSession;
import java.time.Instant;
import java.util.List;

/** The JSON of {@code GET /api/sessions/{session_id}/cost} (CONTRACT §3.4), snake_case. */
record SessionDocument(
        String sessionId,
        String userId,
        Instant completedAt,
        long totalTokens,
        List<PhaseDocument> phases,
        CostBreakdownDocument costBreakdown) {

    static SessionDocument of(PricedSession session) {
        PricedSession.Costs costs = session.costs();
        return new SessionDocument(
                session.sessionId(),
                session.userId(),
                session.completedAt(),
                session.totalTokens(),
                session.phases().stream()
                        .map(
                                p ->
                                        new PhaseDocument(
                                                p.phase(),
                                                p.model(),
                                                p.promptTokens(),
                                                p.cachedTokens(),
                                                p.completionTokens(),
                                                p.costUsd()))
                        .toList(),
                new CostBreakdownDocument(
                        costs.promptCostUsd(),
                        costs.completionCostUsd(),
                        costs.cachedCostUsd(),
                        costs.totalCostUsd(),
                        costs.cachedSavingsUsd()));
    }

    record PhaseDocument(
            String phase,
            String model,
            long promptTokens,
            long cachedTokens,
            long completionTokens,
            String costUsd) {}

    record CostBreakdownDocument(
            String promptCostUsd,
            String completionCostUsd,
            String cachedCostUsd,
            String totalCostUsd,
            String cachedSavingsUsd) {}
}
