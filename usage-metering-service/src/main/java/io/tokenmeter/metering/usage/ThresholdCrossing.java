package io.tokenmeter.metering.usage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A user's usage in a bucket reached a share of its limit. Each user, bucket and threshold is
 * crossed at most once, ever.
 */
public record ThresholdCrossing(
        String userId,
        Optional<Instant> periodStart,
        int thresholdPercent,
        long tokensUsed,
        long limit,
        Instant crossedAt) {

    /** The shares of a limit that are announced. */
    public static final List<Integer> THRESHOLDS = List.of(70, 90, 100);

    /** Every threshold a bucket's total has reached (emitted only if not emitted before). */
    public static List<ThresholdCrossing> reachedBy(BucketTotal total, Instant at) {
        long limit = total.tier().limit();
        List<ThresholdCrossing> reached = new ArrayList<>();
        for (int percent : THRESHOLDS) {
            // tokens / limit >= percent / 100, in integers (no overflow below ~9e16 tokens).
            if (total.tokens() * 100 >= (long) percent * limit) {
                reached.add(
                        new ThresholdCrossing(
                                total.userId(),
                                total.periodStart(),
                                percent,
                                total.tokens(),
                                limit,
                                at));
            }
        }
        return reached;
    }
}
