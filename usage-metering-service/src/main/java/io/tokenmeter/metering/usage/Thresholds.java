package io.tokenmeter.metering.usage;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which usage thresholds are up for announcement after a change: the rule behind {@code
 * UsageThresholdCrossed}. The candidates go to {@link UsageStore#recordCrossings}, which keeps only
 * those never recorded before, so each user, bucket and threshold is announced at most once, ever.
 *
 * <p>A paid period's thresholds are evaluated whenever its total changes. The lifetime FREE
 * allowance's thresholds are evaluated only while the user's plan (their latest known subscription
 * state) is FREE. A user on a paid plan has usage in the FREE bucket mostly because a state has not
 * arrived yet: a renewal processed after the first sessions of the new period leaves those sessions
 * in time no period claims, until the renewal's state moves them into their period. Announcing them
 * against FREE would be wrong, and announcements are never taken back, so FREE crossings of a paid
 * user are <em>held back</em>. When states leave a user on FREE (a downgrade or a cancellation),
 * every threshold their FREE total then reaches is evaluated, not only those crossed by the last
 * change: whatever was held back, and is still reached, is announced then.
 *
 * <p>Invariant, after every transaction: every threshold that a paid period's total reaches is
 * recorded, and so is every threshold that the FREE total of a user on FREE reaches. This is what
 * lets metering look only at thresholds crossed by each batch's increment.
 */
final class Thresholds {

    private Thresholds() {}

    /**
     * After a metering batch: the thresholds each changed bucket crossed with this batch, except
     * those of a FREE bucket whose user is on a paid plan (held back).
     *
     * @param usage each metered user's current usage, which carries their plan
     */
    static List<ThresholdCrossing> crossedByMetering(
            List<BucketTotal> changed, Map<String, UsageSnapshot> usage, Instant at) {
        List<ThresholdCrossing> crossed = new ArrayList<>();
        for (BucketTotal total : changed) {
            UsageSnapshot user = usage.get(total.userId());
            Plan plan = user == null ? Plan.FREE : user.plan();
            // FREE-bucket thresholds wait (are held back) while the user is on a paid plan.
            if (total.periodStart().isPresent() || !plan.tier().paid()) {
                crossed.addAll(ThresholdCrossing.reachedBy(total, at));
            }
        }
        return crossed;
    }

    /**
     * After subscription states changed some users' periods or plans: every threshold reached by
     * their recomputed paid-period totals, and every threshold reached by the FREE total of each of
     * them left on FREE (which is the FREE bucket, their current one). FREE totals of users left on
     * a paid plan stay held back.
     *
     * @param recomputed the totals recomputed because the users' periods changed (any bucket)
     * @param usage the changed users' current usage after the states were applied
     */
    static List<ThresholdCrossing> reachedAfterStateChanges(
            List<BucketTotal> recomputed, Collection<UsageSnapshot> usage, Instant at) {
        List<ThresholdCrossing> reached = new ArrayList<>();
        for (BucketTotal total : recomputed) {
            if (total.periodStart().isPresent()) {
                reached.addAll(ThresholdCrossing.allReachedBy(total, at));
            }
        }
        for (UsageSnapshot user : usage) {
            if (!user.plan().tier().paid()) {
                reached.addAll(
                        ThresholdCrossing.allReachedBy(
                                new BucketTotal(
                                        user.userId(),
                                        Optional.empty(),
                                        Tier.FREE,
                                        user.tokensUsed(),
                                        0),
                                at));
            }
        }
        return reached;
    }
}
