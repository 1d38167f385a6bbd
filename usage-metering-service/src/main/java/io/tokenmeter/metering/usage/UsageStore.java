package io.tokenmeter.metering.usage;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where usage is kept (port). Every method runs inside the caller's {@link Transactions}
 * transaction; the store makes concurrent metering and period changes safe for each other.
 */
public interface UsageStore {

    /**
     * Adds the sessions to the ledger unless already there, and returns the ids of those added: the
     * sessions counted by this call.
     */
    Set<String> addToLedger(List<SessionUsage> sessions);

    /**
     * Adds counted sessions to their buckets (the period containing each {@code completed_at} by
     * the stored billing segments, else FREE) and returns the new totals of the buckets changed.
     */
    List<BucketTotal> addToTotals(List<SessionUsage> counted);

    /** Records the crossings not recorded before and returns those: the ones to announce. */
    List<ThresholdCrossing> recordCrossings(List<ThresholdCrossing> reached);

    /** Usage in each user's current bucket (unknown users: FREE, 0). */
    Map<String, UsageSnapshot> currentUsage(Collection<String> userIds);

    /** Keeps a subscription state; false if the very same state was kept before. */
    boolean addSubscriptionChange(SubscriptionChange change);

    List<SubscriptionChange> subscriptionChanges(String userId);

    List<BillingSegment> segments(String userId);

    /**
     * Replaces a user's billing segments and recomputes all their bucket totals from the ledger;
     * returns the recomputed totals.
     */
    List<BucketTotal> replaceSegments(String userId, List<BillingSegment> segments);

    void savePlan(String userId, Plan plan);
}
