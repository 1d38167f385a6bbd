package io.tokenmeter.metering.usage;

import java.time.Instant;
import java.util.List;

/**
 * Told which sessions a metering batch has just counted, inside the batch's database transaction:
 * what it does commits with the count or not at all (reservations settle their holds this way).
 */
public interface CountedSessions {

    /** Nothing to report. */
    Runnable NOTHING = () -> {};

    CountedSessions NONE = (counted, now) -> NOTHING;

    /**
     * {@code counted}: sessions added to the ledger by this batch, each once. Returns what to
     * report (metrics) once the transaction committed, and only then: a batch rolled back and
     * delivered again does its work again, and must not report it twice.
     */
    Runnable counted(List<SessionUsage> counted, Instant now);
}
