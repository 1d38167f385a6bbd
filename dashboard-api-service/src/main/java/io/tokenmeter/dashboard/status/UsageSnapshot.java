package io.tokenmeter.dashboard.status;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.Objects;

/**
 * A user's token count in one usage bucket as the metering service last reported it ({@code
 * UsageState}). A bucket is the lifetime FREE allowance, or one paid Stripe billing period
 * identified by its start. The read model keeps one row per bucket, so a late state of an older
 * period never overwrites the current period's count, and the FREE count survives a paid period
 * (FREE is one-shot: after a downgrade the user is again counted against it).
 *
 * <p>Within a bucket the newer snapshot has the later {@code updatedAt}, then the higher count
 * (usage within a period only grows). {@code limit} is the one the metering service reported with
 * it, 0 when unknown (rows stored before the read model kept it).
 */
public record UsageSnapshot(
        String userId,
        Tier tier,
        Instant periodStart,
        Instant periodEnd,
        long tokensUsed,
        Instant updatedAt,
        long limit) {

    /** The bucket key of the FREE allowance. */
    public static final String FREE_BUCKET = "free";

    public UsageSnapshot {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (tokensUsed < 0) {
            throw new IllegalArgumentException("tokens_used is negative: " + tokensUsed);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative: " + limit);
        }
        if (tier != Tier.FREE && periodStart == null) {
            throw new IllegalArgumentException("a " + tier + " usage state has no period_start");
        }
    }

    /** {@value #FREE_BUCKET} for FREE, else the period's start in epoch milliseconds. */
    public String bucket() {
        return bucketOf(tier, periodStart);
    }

    static String bucketOf(Tier tier, Instant periodStart) {
        return tier == Tier.FREE ? FREE_BUCKET : Long.toString(periodStart.toEpochMilli());
    }

    /** Whether this snapshot is at least as new as {@code other} of the same bucket. */
    public boolean isAtLeastAsNewAs(UsageSnapshot other) {
        int byTime = updatedAt.compareTo(other.updatedAt);
        return byTime > 0 || (byTime == 0 && tokensUsed >= other.tokensUsed);
    }
}
