package io.tokenmeter.metering.usage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One finished grading session as the grading pipeline reported it. {@code sessionId} is the
 * idempotency key: a session counts once however often it is delivered.
 *
 * <p>{@code traceParent} is the W3C trace context the session was delivered in (opaque here, null
 * when there was none); the session's cost is announced in the same trace. {@code delivery} is the
 * record it came in.
 */
public record SessionUsage(
        String sessionId,
        String userId,
        Instant completedAt,
        List<PhaseUsage> phases,
        String traceParent,
        Delivery delivery) {

    /** A session delivered outside any trace and any record. */
    public SessionUsage(
            String sessionId, String userId, Instant completedAt, List<PhaseUsage> phases) {
        this(sessionId, userId, completedAt, phases, null, Delivery.NONE);
    }

    public SessionUsage {
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalArgumentException("session_id is missing");
        }
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id is missing in session " + sessionId);
        }
        Objects.requireNonNull(completedAt, "completed_at");
        Objects.requireNonNull(delivery, "delivery");
        phases = List.copyOf(phases);
        long total = 0;
        for (PhaseUsage phase : phases) {
            try {
                total = Math.addExact(total, phase.totalTokens());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(
                        "token counts of session " + sessionId + " overflow");
            }
        }
    }

    /** Tokens counted against the user's limit: every phase's prompt + cached + completion. */
    public long totalTokens() {
        long total = 0;
        for (PhaseUsage phase : phases) {
            total += phase.totalTokens();
        }
        return total;
    }
}
