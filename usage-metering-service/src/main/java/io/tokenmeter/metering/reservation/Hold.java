package io.tokenmeter.metering.reservation;

import java.time.Instant;

/**
 * Tokens of a user's quota held for one grading session until it is metered, released or {@code
 * expiresAt} passes. A hold counts against the quota only while it is live.
 */
public record Hold(String sessionId, String userId, long tokens, Instant expiresAt) {

    public boolean liveAt(Instant now) {
        return expiresAt.isAfter(now);
    }
}
