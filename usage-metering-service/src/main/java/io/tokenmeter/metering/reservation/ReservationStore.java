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
     * Locks the users' reservation rows until the transaction ends (creating those missing, in a
     * fixed order), then the sessions' holds, then reads, after the locks, what admission decides
     * on: which sessions were metered (are in the ledger), their holds (live or not), and each
     * user's quota with all their live holds ({@link #quota}).
     */
    AdmittingAll lockAndReadAll(
            Collection<String> userIds, Collection<String> sessionIds, Instant now);

    /** What {@link #lockAndReadAll} found. */
    record AdmittingAll(Set<String> metered, Map<String, Hold> holds, Map<String, Quota> quotas) {}

    /**
     * In one snapshot: the user's plan, usage in its current bucket, and the tokens of their holds
     * live at {@code now} whose sessions were not metered.
     */
    Quota quota(String userId, Instant now);

    /** Inserts the holds or replaces the sessions' (one hold per session). */
    void saveAll(Collection<Hold> holds, Instant now);

    /** Deletes the user's hold for the session; returns it if there was one. */
    Optional<Hold> release(String userId, String sessionId);

    /** Deletes up to {@code max} holds expired at {@code now}; returns them. */
    List<Hold> deleteExpired(Instant now, int max);

    /** Tokens held by every live hold whose session was not metered. */
    long heldTokens(Instant now);

    /**
     * Deletes the sessions' holds (live or not); returns them. Runs in the metering transaction
     * that counts the sessions.
     */
    List<Hold> settle(Collection<String> sessionIds);

    /**
     * Deletes up to {@code max} holds whose sessions were metered (an admission saved them while
     * the batch metering the session was committing); returns them with what the session used.
     */
    List<SettledHold> deleteSettledLate(int max);

    /** A hold deleted because its session was metered, and the tokens the session used. */
    record SettledHold(Hold hold, long usedTokens) {}
}
