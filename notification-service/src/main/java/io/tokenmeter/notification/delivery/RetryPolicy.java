package io.tokenmeter.notification.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Exponential back-off: the first retry after {@code first}, each later one after twice the
 * previous wait, at most {@code max}; a delivery not through {@code giveUpAfter} after it was
 * queued is given up.
 */
public record RetryPolicy(Duration first, Duration max, Duration giveUpAfter) {

    /**
     * When to try again after the {@code attempts}-th failed attempt, unless it is time to stop.
     */
    public Optional<Instant> nextAttempt(Instant queuedAt, int attempts, Instant now) {
        Duration wait = first;
        for (int i = 1; i < attempts && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        if (wait.compareTo(max) > 0) {
            wait = max;
        }
        Instant next = now.plus(wait);
        return next.isAfter(queuedAt.plus(giveUpAfter)) ? Optional.empty() : Optional.of(next);
    }
}
