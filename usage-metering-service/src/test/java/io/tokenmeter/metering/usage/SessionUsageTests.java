package io.tokenmeter.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionUsageTests {

    static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");
    static final List<PhaseUsage> PHASES = List.of(new PhaseUsage("grading", "gpt-4o", 1, 0, 1));

    @Test
    void acceptsIdsUpToTheLimit() {
        String longest = "s".repeat(SessionUsage.MAX_ID_LENGTH);

        SessionUsage session = new SessionUsage(longest, longest, AT, PHASES);

        assertThat(session.sessionId()).hasSize(256);
        assertThat(session.userId()).hasSize(256);
    }

    @Test
    void refusesIdsOverTheLimitQuotingOnlyTheirStart() {
        String tooLong = "s".repeat(SessionUsage.MAX_ID_LENGTH + 1);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SessionUsage(tooLong, "u1", AT, PHASES))
                .withMessageStartingWith("session_id is 257 characters long, over 256")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(100));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SessionUsage("s1", tooLong, AT, PHASES))
                .withMessageStartingWith("user_id is 257 characters long");
    }

    @Test
    void refusesIdsThatPostgresTextCannotHold() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SessionUsage("s" + '\0' + "1", "u1", AT, PHASES))
                .withMessage("session_id contains U+0000: s?1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SessionUsage("s1", "u\0", AT, PHASES))
                .withMessage("user_id contains U+0000: u?");
    }
}
