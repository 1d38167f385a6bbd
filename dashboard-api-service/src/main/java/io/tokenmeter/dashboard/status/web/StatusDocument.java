package io.tokenmeter.dashboard.status.web;

import io.tokenmeter.dashboard.status.UserStatus;
import java.time.Instant;

/** The JSON of {@code GET /api/subscription/status} (CONTRACT §3.3), snake_case on the wire. */
record StatusDocument(
        String userId,
        String tier,
        String status,
        long tokensUsed,
        long monthlyLimit,
        long remainingTokens,
        double usagePercent,
        boolean hasMonthlyReset,
        Instant subscriptionStart,
        Instant subscriptionEnd,
        boolean paymentFailed,
        Instant asOf,
        Long estimatedSessionsRemaining) {

    static StatusDocument of(UserStatus status) {
        return new StatusDocument(
                status.userId(),
                status.tier().name(),
                status.status(),
                status.tokensUsed(),
                status.monthlyLimit(),
                status.remainingTokens(),
                status.usagePercent(),
                status.hasMonthlyReset(),
                status.subscriptionStart(),
                status.subscriptionEnd(),
                status.paymentFailed(),
                status.asOf(),
                status.estimatedSessionsRemaining());
    }
}
