package io.tokenmeter.subscription.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A Stripe billing period: from {@code start} (inclusive) to {@code end} (exclusive), as Stripe
 * reported it, never derived from the wall clock.
 */
public record BillingPeriod(Instant start, Instant end) {

    public BillingPeriod {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    /** Whether {@code instant} lies in this period. */
    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }
}
