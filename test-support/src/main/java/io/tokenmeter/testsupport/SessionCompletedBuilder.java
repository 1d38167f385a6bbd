package io.tokenmeter.testsupport;

import io.tokenmeter.events.PhaseUsage;
import io.tokenmeter.events.SessionCompleted;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the grading pipeline's {@link SessionCompleted} events.
 *
 * <pre>{@code
 * SessionCompleted event = SessionCompletedBuilder.session("s_1").user("u_1")
 *         .completedAt(Instant.parse("2026-11-20T10:00:00Z"))
 *         .phase("grading", "gpt-4o", 3000, 500, 700).build();
 * }</pre>
 */
public final class SessionCompletedBuilder {

    private String sessionId;
    private String userId = "u_test";
    private Instant completedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final List<PhaseUsage> phases = new ArrayList<>();

    private SessionCompletedBuilder(String sessionId) {
        this.sessionId = sessionId;
    }

    public static SessionCompletedBuilder session(String sessionId) {
        return new SessionCompletedBuilder(sessionId);
    }

    /** A session with a random id. */
    public static SessionCompletedBuilder anySession() {
        return new SessionCompletedBuilder("s_" + UUID.randomUUID());
    }

    public SessionCompletedBuilder user(String userId) {
        this.userId = userId;
        return this;
    }

    public SessionCompletedBuilder completedAt(Instant completedAt) {
        this.completedAt = completedAt.truncatedTo(ChronoUnit.MILLIS);
        return this;
    }

    public SessionCompletedBuilder phase(
            String phase, String model, long prompt, long cached, long completion) {
        phases.add(new PhaseUsage(phase, model, prompt, cached, completion));
        return this;
    }

    /** One phase on {@code gpt-4o} using {@code tokens} prompt tokens and nothing else. */
    public SessionCompletedBuilder tokens(long tokens) {
        return phase("grading", "gpt-4o", tokens, 0, 0);
    }

    public SessionCompleted build() {
        return new SessionCompleted(sessionId, userId, completedAt, List.copyOf(phases));
    }
}
