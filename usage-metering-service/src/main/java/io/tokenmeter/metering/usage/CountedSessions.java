package io.tokenmeter.metering.usage;

import java.time.Instant;
import java.util.List;

/**
 * Told which sessions a metering batch has just counted, inside the batch's database transaction:
 * what it does commits with the count or not at all (reservations settle their holds this way).
 */
public interface CountedSessions {

    CountedSessions NONE = (counted, now) -> {};

    /** {@code counted}: sessions added to the ledger by this batch, each once. */
    void counted(List<SessionUsage> counted, Instant now);
}
