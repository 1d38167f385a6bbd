package io.tokenmeter.metering.reservation;

import io.tokenmeter.metering.usage.CountedSessions;
import io.tokenmeter.metering.usage.SessionUsage;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settles holds as their sessions are metered, in the metering transaction: a session is counted
 * and its hold removed together, or neither. A redelivered session is not counted again, so it
 * settles nothing again. Usage is the truth: the session counts in full whatever it held.
 *
 * <p>Its metrics are reported after the transaction committed ({@link CountedSessions#counted}).
 *
 * <p>The batch first locks the reservation rows of its users (those who have one): an admission for
 * one of its sessions running at the same time either committed its hold before (the delete that
 * follows sees it) or waits, and then finds the session in the ledger.
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
        Set<String> users = new LinkedHashSet<>();
        counted.forEach(session -> users.add(session.userId()));
        Set<String> reserving = store.lockUsers(users);
        if (reserving.isEmpty()) {
            return CountedSessions.NOTHING;
        }
        Map<String, SessionUsage> sessions = new HashMap<>();
        for (SessionUsage session : counted) {
            if (reserving.contains(session.userId())) {
                sessions.put(session.sessionId(), session);
            }
        }
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
