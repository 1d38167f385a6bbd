package io.tokenmeter.metering.reservation;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where holds are kept (port). Unless said otherwise, every method runs inside the caller's
 * transaction.
 */
public interface ReservationStore {

    /**
     * Locks the users' reservation rows until the transaction ends (those who have one, in a fixed
     * order), then the sessions' holds, then reads, after the locks, what admission decides on:
     * which sessions were metered (are in the ledger), their holds (live or not), and each user's
     * quota with all their live holds ({@link #quota}).
     */
    AdmittingAll lockAndReadAll(
            Collection<String> userIds, Collection<String> sessionIds, Instant now);

    /** What {@link #lockAndReadAll} found. */
    record AdmittingAll(
            Set<String> lockedUsers,
            Set<String> metered,
            Map<String, Hold> holds,
            Map<String, Quota> quotas) {}

    /**
     * Creates the users' reservation rows where missing, in a transaction of its own that commits
     * before any transaction that locks the rows: a row created inside the admitting transaction
     * would be invisible to a metering batch settling at the same time, which would then not wait
     * for it. It also waits, once for all the users, for the metering batches in flight, which may
     * have looked for the rows before they existed.
     */
    void addUsers(Collection<String> userIds);

    /**
     * In one snapshot: the user's plan, usage in its current bucket, and the tokens of their holds
     * live at {@code now}.
     */
    Quota quota(String userId, Instant now);

    /** Inserts the holds or replaces the sessions' (one hold per session). */
    void saveAll(Collection<Hold> holds, Instant now);

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

    /** Which of the sessions have a hold (live or not), as committed now; locks nothing. */
    Set<String> heldSessions(Collection<String> sessionIds);

    /** Deletes the sessions' holds (live or not); returns them. */
    List<Hold> settle(Collection<String> sessionIds);
}
