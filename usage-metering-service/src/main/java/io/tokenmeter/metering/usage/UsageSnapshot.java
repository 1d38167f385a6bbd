package io.tokenmeter.metering.usage;

/** A user's usage in their current bucket: the quota answer and the UsageState record. */
public record UsageSnapshot(String userId, Plan plan, long tokensUsed) {

    public long limit() {
        return plan.tier().limit();
    }

    public long remainingTokens() {
        return Math.max(0, limit() - tokensUsed);
    }

    /** Another session may start while the user has tokens left. */
    public boolean allowed() {
        return tokensUsed < limit();
    }
}
