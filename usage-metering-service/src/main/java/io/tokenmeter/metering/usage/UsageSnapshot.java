package io.tokenmeter.metering.usage;

/**
 * A user's usage in their current bucket, as the UsageState record announces it (the quota answer
 * is the reservations' {@code Quota}, which adds the tokens live holds take).
 */
public record UsageSnapshot(String userId, Plan plan, long tokensUsed) {

    public long limit() {
        return plan.tier().limit();
    }
}
