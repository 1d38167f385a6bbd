package io.tokenmeter.metering.usage;

import java.time.Instant;
import java.util.List;

/**
 * What metering announces (port): a cost per counted session, the usage state of every user whose
 * usage changed, and threshold crossings. Called inside the transaction that produced them, so they
 * are published if and only if that transaction commits.
 */
public interface UsageEvents {

    void publish(
            List<PricedSession> costs,
            List<UsageSnapshot> usage,
            List<ThresholdCrossing> crossings,
            Instant at);
}
