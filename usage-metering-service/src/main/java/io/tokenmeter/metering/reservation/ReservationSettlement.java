package io.tokenmeter.metering.reservation;

import io.tokenmeter.metering.usage.CountedSessions;
import io.tokenmeter.metering.usage.SessionUsage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Settles holds as their sessions are metered, in the metering transaction: a session is counted
 * and its hold removed together, or neither. A redelivered session is not counted again, so it
 * settles nothing again. Usage is the truth: the session counts in full whatever it held.
 *
 * <p>Its metrics are reported after the transaction committed ({@link CountedSessions#counted}).
 *
 * <p>It takes no user lock, so admissions never wait for metering. An admission for one of the
 * batch's sessions running at the same time either committed its hold before (the delete sees it,
 * or waits for the admission's lock on it), or finds the session in the ledger, or saved a new hold
 * the delete could not see: reads leave that one out from the batch's commit on, and the sweeper
 * settles it ({@link Reservations#sweep}).
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
        List<Hold> settled = store.settle(sessions.keySet());
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
}
