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
     * Adds the sessions to the ledger unless already there, with the record each was delivered in,
     * and returns the ids of those added (the sessions counted by this call) and of those to
     * announce again: sessions already in the ledger that were counted by this very record ({@link
     * Delivery}), when that record may be part of a batch whose Kafka transaction never committed,
     * i.e. it is not below what {@link #deliveredBelow} last recorded for its lane. The lane's mark
     * moves up to the lowest position of the batch, below which every record's batch was committed:
     * the consumer would not have gone past them otherwise.
     */
    Ledgered addToLedger(List<SessionUsage> sessions);

    /** What {@link #addToLedger} found. */
    record Ledgered(Set<String> counted, Set<String> announceAgain) {}

    /**
     * Records that every record of {@code input} below these positions (by lane) had its batch
     * committed: as the consumer learns it when its lanes are assigned or revoked. Never moves a
     * mark down, so that a rewind does not announce anything again.
     */
    void deliveredBelow(Input input, Map<Integer, Long> positions);

    /** The inputs whose records are announced again when redelivered (see {@link Delivery}). */
    enum Input {
        SESSIONS,
        SUBSCRIPTION_STATES
    }

    /** What caused a crossing: a session (its id), or a subscription state (its record's id). */
    enum Cause {
        SESSION,
        SUBSCRIPTION_STATE
    }

    /**
     * Adds counted sessions to their buckets (the period containing each {@code completed_at} by
     * the stored billing segments, else FREE) and returns the new totals of the buckets changed.
     */
    List<BucketTotal> addToTotals(List<SessionUsage> counted);

    /**
     * Records the crossings not recorded before and returns those: the ones to announce. {@code
     * causeByUser}: what announces each user's crossings, if anything (a session id, or a state's
     * {@link Delivery#id()}).
     */
    List<ThresholdCrossing> recordCrossings(
            List<ThresholdCrossing> reached, Cause cause, Map<String, String> causeByUser);

    /** The crossings recorded with one of these causes. */
    List<ThresholdCrossing> crossingsCausedBy(Cause cause, Collection<String> ids);

    /** Usage in each user's current bucket (unknown users: FREE, 0). */
    Map<String, UsageSnapshot> currentUsage(Collection<String> userIds);

    /**
     * Keeps the states never kept before, with the record each came in, and returns them, and the
     * states already kept that their very record delivers again at or above its lane's mark (to
     * announce again, as {@link #addToLedger} does for sessions). Moves the marks of {@link
     * Input#SUBSCRIPTION_STATES} up to each lane's lowest position in the batch.
     */
    KeptChanges addSubscriptionChanges(List<SubscriptionChange> changes);

    /** What {@link #addSubscriptionChanges} found. */
    record KeptChanges(List<SubscriptionChange> kept, List<SubscriptionChange> announceAgain) {}

    List<SubscriptionChange> subscriptionChanges(String userId);

    List<BillingSegment> segments(String userId);

    /**
     * Replaces a user's billing segments and recomputes all their bucket totals from the ledger;
     * returns the recomputed totals.
     */
    List<BucketTotal> replaceSegments(String userId, List<BillingSegment> segments);

    void savePlan(String userId, Plan plan);
}
