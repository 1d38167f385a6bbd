package io.tokenmeter.dashboard.sessions;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One grading session as the metering service priced it ({@code SessionCost}). Money amounts are
 * the exact 6-decimal strings the metering service computed; the dashboard never re-prices. Its
 * components are the fields of {@code GET /api/sessions/{session_id}/cost} (CONTRACT §3.4), in
 * order: the web adapter writes it as is.
 */
public record PricedSession(
        String sessionId,
        String userId,
        Instant completedAt,
        long totalTokens,
        List<Phase> phases,
        Costs costBreakdown) {

    public PricedSession {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(completedAt, "completedAt");
        Objects.requireNonNull(costBreakdown, "costBreakdown");
        phases = List.copyOf(phases);
    }

    /** Whether {@code userId} (case-sensitive) owns this session. */
    public boolean ownedBy(String userId) {
        return this.userId.equals(userId);
    }

    /** One phase of a session and what it cost. */
    public record Phase(
            String phase,
            String model,
            long promptTokens,
            long cachedTokens,
            long completionTokens,
            String costUsd) {}

    /** A session's cost split by token kind, plus what the provider's cache saved. */
    public record Costs(
            String promptCostUsd,
            String completionCostUsd,
            String cachedCostUsd,
            String totalCostUsd,
            String cachedSavingsUsd) {}
}
