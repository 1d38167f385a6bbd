package io.tokenmeter.metering.reservation;

import io.tokenmeter.metering.usage.Plan;

/**
 * A user's quota at one moment, read in one snapshot: their plan, the tokens used in its current
 * bucket, and the tokens live holds take.
 */
public record Quota(String userId, Plan plan, long used, long held) {

    public long limit() {
        return plan.tier().limit();
    }

    /** What a new hold may take (negative when sessions used more than they held). */
    long room() {
        return limit() - used - held;
    }

    public long remainingTokens() {
        return Math.max(0, room());
    }

    /** Another session may start while the user has tokens left. */
    public boolean allowed() {
        return remainingTokens() > 0;
    }
}
