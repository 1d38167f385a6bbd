package io.tokenmeter.notification.delivery;

import java.time.Instant;

/**
 * What an attempt leaves in the outbox.
 *
 * @param nextAttemptAt when to try again (PENDING), else null
 * @param finishedAt when it was sent, skipped or given up (not PENDING), else null
 * @param error why it was not sent, else null
 */
public record Attempted(
        long seq,
        Status status,
        int attempts,
        Instant nextAttemptAt,
        Instant finishedAt,
        String error) {}
