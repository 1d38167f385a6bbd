package io.tokenmeter.metering.reservation;

import io.tokenmeter.metering.usage.CountedSessions;
import io.tokenmeter.metering.usage.SessionUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settles holds as their sessions are metered, in the metering transaction: a session is counted
 * and its hold removed together, or neither. A redelivered session is not counted again, so it
 * settles nothing again. Usage is the truth: the session counts in full whatever it held.
 *
 * <p>Its metrics are reported after the transaction committed ({@link CountedSessions#counted}).
 *
 * <p>An admission for one of the batch's sessions running at the same time must either commit its
 * hold before the batch deletes it, or wait and then find the session in the ledger. For a session
 * whose hold is already visible, deleting the hold is enough: the admission locks that hold's row
 * too, so it waits for the batch and finds the row gone. For a session without one, an admission
 * may be about to insert it, and only the user's lock orders the two: the batch locks those users
 * (the ones who ever reserved) before it deletes, and their admissions wait for its commit. So an
 * admission waits for a metering batch only when the batch meters a session of that user that holds
 * nothing, which the pipeline, reserving before it grades, rarely publishes.
 *
 * <p>A hold seen at first but gone when the batch deletes (released meanwhile) may have been taken
 * again by an admission not yet committed: its user is locked then, and the sessions are deleted
 * once more. The batch holds hold rows by then, so an admission holding that user's lock and
 * waiting for one of those rows (a reservation for a session the batch is settling) would deadlock
 * with it. PostgreSQL breaks the cycle by failing one side: a metering batch is delivered again, an
 * admission batch is decided again request by request, and a lone request is answered 503 with
 * Retry-After. It takes a hold released and taken again while its session is metered, and at the
 * same moment a reservation for another session of the same metering batch.
 */
public final class ReservationSettlement implements CountedSessions {

    private final ReservationStore store;
    private final ReservationEvents events;

    public ReservationSettlement(ReservationStore store, ReservationEvents events) {
        this.store = store;
        this.events = events;
    }

    @Override
    public Runnable counted(List<SessionUsage> counted, Instant now) {
        Map<String, SessionUsage> sessions = new HashMap<>();
        counted.forEach(session -> sessions.put(session.sessionId(), session));
        Set<String> held = store.heldSessions(sessions.keySet());
        Set<String> unheldUsers = new TreeSet<>();
        sessions.values().stream()
                .filter(session -> !held.contains(session.sessionId()))
                .forEach(session -> unheldUsers.add(session.userId()));
        Set<String> locked =
                unheldUsers.isEmpty() ? Set.of() : new HashSet<>(store.lockUsers(unheldUsers));
        Set<String> toSettle = new HashSet<>(held);
        sessions.values().stream()
                .filter(session -> locked.contains(session.userId()))
                .forEach(session -> toSettle.add(session.sessionId()));
        List<Hold> settled =
                toSettle.isEmpty() ? new ArrayList<>() : new ArrayList<>(store.settle(toSettle));
        settled.addAll(settleTakenAgain(sessions, held, settled, locked));
        if (settled.isEmpty()) {
            return CountedSessions.NOTHING;
        }
        return () -> {
            for (Hold hold : settled) {
                events.settled(
                        hold, hold.liveAt(now), sessions.get(hold.sessionId()).totalTokens());
            }
        };
    }

    /** The sessions whose hold was seen but not deleted, settled under their users' locks. */
    private List<Hold> settleTakenAgain(
            Map<String, SessionUsage> sessions,
            Set<String> held,
            List<Hold> settled,
            Set<String> locked) {
        Set<String> gone = new HashSet<>(held);
        settled.forEach(hold -> gone.remove(hold.sessionId()));
        gone.removeIf(session -> locked.contains(sessions.get(session).userId()));
        if (gone.isEmpty()) {
            return List.of();
        }
        Set<String> users = new TreeSet<>();
        gone.forEach(session -> users.add(sessions.get(session).userId()));
        Set<String> nowLocked = store.lockUsers(users);
        gone.removeIf(session -> !nowLocked.contains(sessions.get(session).userId()));
        return gone.isEmpty() ? List.of() : store.settle(gone);
    }
}
