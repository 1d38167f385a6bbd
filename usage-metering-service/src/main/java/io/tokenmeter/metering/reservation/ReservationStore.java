package io.tokenmeter.metering.reservation;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where holds are kept (port). Unless said otherwise, every method runs inside the caller's
 * transaction.
 */
public interface ReservationStore {

    /**
     * Locks the user's reservation row until the transaction ends, then reads, after the lock, what
     * admission decides on: whether the session was metered (is in the ledger), its hold (live or
     * not, locked too), and the user's quota without that hold ({@link #quota}). Empty if the user
     * has no row yet (never reserved).
     */
    Optional<Admitting> lockAndRead(String userId, String sessionId, Instant now);

    /** What {@link #lockAndRead} found. */
    record Admitting(boolean metered, Optional<Hold> hold, Quota others) {}

    /**
     * Creates the user's reservation row if missing, in a transaction of its own that commits
     * before any transaction that locks the row: a row created inside the admitting transaction
     * would be invisible to a metering batch settling at the same time, which would then not wait
     * for it. It also waits for the metering batches in flight, which may have looked for the row
     * before it existed.
     */
    void addUser(String userId);

    /**
     * In one snapshot: the user's plan, usage in its current bucket, and the tokens of their holds
     * live at {@code now}, except {@code exceptSessionId}'s (null: all of them).
     */
    Quota quota(String userId, String exceptSessionId, Instant now);

    /** Inserts the hold or replaces the session's. */
    void save(Hold hold, Instant now);

    /** Deletes the user's hold for the session; returns it if there was one. */
    Optional<Hold> release(String userId, String sessionId);

    /** Deletes up to {@code max} holds expired at {@code now}; returns them. */
    List<Hold> deleteExpired(Instant now, int max);

    /** Tokens held by every live hold. */
    long heldTokens(Instant now);

    /**
     * Locks the reservation rows of those users who have one, in a fixed order; returns those
     * users. Users without one have no holds.
     */
    Set<String> lockUsers(Collection<String> userIds);

    /** Deletes the sessions' holds (live or not); returns them. */
    List<Hold> settle(Collection<String> sessionIds);
}
