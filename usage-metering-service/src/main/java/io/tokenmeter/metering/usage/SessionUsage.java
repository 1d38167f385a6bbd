package io.tokenmeter.metering.usage;

import java.time.Clock;
import java.time.Duration;
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
 *
 * <p>A session no grading pipeline can mean is refused (and dead-lettered): completed before {@link
 * #EARLIEST_COMPLETION}, more than {@value #MAX_PHASES} phases, or a phase refused by {@link
 * PhaseUsage}; and, by {@link #notAheadOf}, completed more than {@link #MAX_AHEAD} after the
 * metering clock's now.
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

    /**
     * The longest {@code session_id} or {@code user_id} accepted, in characters. Both are keys of
     * PostgreSQL indexes, whose entries must stay under ~2.7 kB (at most 4 bytes a character here):
     * a longer id would fail its whole batch's statement on every delivery.
     */
    public static final int MAX_ID_LENGTH = 256;

    /** No session of this product completed before 2020. */
    public static final Instant EARLIEST_COMPLETION = Instant.parse("2020-01-01T00:00:00Z");

    /** How far ahead of the metering clock a pipeline's clock may be. */
    public static final Duration MAX_AHEAD = Duration.ofDays(1);

    /** More phases than any grading session has; each one is a row of its cost breakdown. */
    public static final int MAX_PHASES = 1_000;

    public SessionUsage {
        if (sessionId == null || sessionId.isBlank()) {
            throw new IllegalArgumentException("session_id is missing");
        }
        PhaseUsage.checkText("session_id", sessionId, MAX_ID_LENGTH);
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("user_id is missing in session " + sessionId);
        }
        PhaseUsage.checkText("user_id", userId, MAX_ID_LENGTH);
        Objects.requireNonNull(completedAt, "completed_at");
        if (completedAt.isBefore(EARLIEST_COMPLETION)) {
            throw new IllegalArgumentException(
                    "completed_at "
                            + completedAt
                            + " of session "
                            + sessionId
                            + " is before "
                            + EARLIEST_COMPLETION);
        }
        Objects.requireNonNull(delivery, "delivery");
        phases = List.copyOf(phases);
        if (phases.size() > MAX_PHASES) {
            throw new IllegalArgumentException(
                    "session "
                            + sessionId
                            + " has "
                            + phases.size()
                            + " phases, over "
                            + MAX_PHASES);
        }
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

    /**
     * This session, if it completed no more than {@link #MAX_AHEAD} after {@code clock}'s now: a
     * session completed in the future would be counted against an allowance or a period that does
     * not exist yet (or never will).
     *
     * @throws IllegalArgumentException if it completed later
     */
    public SessionUsage notAheadOf(Clock clock) {
        if (completedAt.isAfter(clock.instant().plus(MAX_AHEAD))) {
            throw new IllegalArgumentException(
                    "completed_at "
                            + completedAt
                            + " of session "
                            + sessionId
                            + " is more than "
                            + MAX_AHEAD.toHours()
                            + " hours in the future");
        }
        return this;
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
