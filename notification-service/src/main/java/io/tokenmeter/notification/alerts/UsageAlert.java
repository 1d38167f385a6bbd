package io.tokenmeter.notification.alerts;

import java.time.Instant;

/**
 * A threshold crossing, with what the user's last known subscription adds to it.
 *
 * @param periodStart null on FREE
 * @param tier the tier last reported for the user (FREE if none)
 * @param renewsAt when a paid quota starts again (the period's end); null on FREE or unknown
 */
public record UsageAlert(
        String userId,
        int thresholdPercent,
        long tokensUsed,
        long limit,
        Instant periodStart,
        Instant crossedAt,
        String tier,
        Instant renewsAt)
        implements Cause {

    @Override
    public Instant occurredAt() {
        return crossedAt;
    }

    /** FREE's allowance is for life: reaching it means upgrading, not waiting. */
    public boolean isFree() {
        return periodStart == null || "FREE".equals(tier);
    }
}
