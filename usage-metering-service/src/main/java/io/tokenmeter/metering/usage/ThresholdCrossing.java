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

    /**
     * The thresholds a bucket's total crossed with its last change (announced only if never
     * announced before). Thresholds already reached before the change were recorded in the
     * transaction that reached them, unless they were held back ({@link Thresholds}).
     */
    public static List<ThresholdCrossing> reachedBy(BucketTotal total, Instant at) {
        long limit = total.tier().limit();
        List<ThresholdCrossing> reached = new ArrayList<>();
        for (int percent : THRESHOLDS) {
            if (reaches(total.tokens(), percent, limit)
                    && (total.previousTokens() == 0
                            || !reaches(total.previousTokens(), percent, limit))) {
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

    /**
     * Every threshold a bucket's total reaches, whatever it was before: for a total recomputed from
     * scratch, or one whose crossings were held back. Those recorded before are not announced
     * again.
     */
    public static List<ThresholdCrossing> allReachedBy(BucketTotal total, Instant at) {
        return reachedBy(
                new BucketTotal(
                        total.userId(), total.periodStart(), total.tier(), total.tokens(), 0),
                at);
    }

    /** tokens / limit >= percent / 100, in integers (no overflow below ~9e16 tokens). */
    private static boolean reaches(long tokens, int percent, long limit) {
        return tokens * 100 >= (long) percent * limit;
    }
}
