package io.tokenmeter.notification.alerts;

import java.time.Instant;
import java.util.Objects;

/**
 * A user's usage reached 70, 90 or 100 % of their limit, as metering announces it once per user,
 * period and threshold.
 *
 * @param periodStart the paid period it happened in; null on FREE (a lifetime allowance)
 */
public record ThresholdCrossing(
        String userId,
        int percent,
        long tokensUsed,
        long limit,
        Instant periodStart,
        Instant crossedAt) {

    public ThresholdCrossing {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(crossedAt, "crossedAt");
        if (percent != 70 && percent != 90 && percent != 100) {
            throw new IllegalArgumentException(
                    "threshold_percent must be 70, 90 or 100, not " + percent);
        }
    }
}
