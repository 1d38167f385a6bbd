package io.tokenmeter.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
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

    @Test
    void refusesACompletionBefore2020() {
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () ->
                                new SessionUsage(
                                        "s1", "u1", Instant.parse("2019-12-31T23:59:59Z"), PHASES))
                .withMessageContaining("is before 2020-01-01T00:00:00Z");
    }

    /** The metering clock decides what "ahead" means, not the machine's: a test can set it. */
    @Test
    void refusesACompletionMoreThanADayAheadOfTheMeteringClock() {
        // Three days behind the machine's: "ahead" is measured against this clock.
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofDays(-3));

        assertThatIllegalArgumentException()
                .isThrownBy(
                        () ->
                                new SessionUsage(
                                                "s1",
                                                "u1",
                                                clock.instant().plus(Duration.ofHours(25)),
                                                PHASES)
                                        .notAheadOf(clock))
                .withMessageContaining("more than 24 hours in the future");
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () ->
                                new SessionUsage(
                                                "s1",
                                                "u1",
                                                clock.instant()
                                                        .plus(Duration.ofDays(365L * 285_000_000)),
                                                PHASES)
                                        .notAheadOf(clock))
                .withMessageContaining("in the future");
    }

    @Test
    void acceptsCompletionsFrom2020UntilADayAheadOfTheMeteringClock() {
        // Three days behind the machine's: "ahead" is measured against this clock.
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofDays(-3));

        assertThat(
                        new SessionUsage("s1", "u1", SessionUsage.EARLIEST_COMPLETION, PHASES)
                                .notAheadOf(clock))
                .isNotNull();
        assertThat(
                        new SessionUsage(
                                        "s1",
                                        "u1",
                                        clock.instant().plus(Duration.ofHours(23)),
                                        PHASES)
                                .notAheadOf(clock))
                .isNotNull();
        // Construction alone reads no clock; the consumer applies the metering clock.
        assertThat(new SessionUsage("s1", "u1", Instant.now().plus(Duration.ofDays(2)), PHASES))
                .isNotNull();
    }

    @Test
    void refusesMoreThanAThousandPhases() {
        List<PhaseUsage> phases = Collections.nCopies(1_001, PHASES.get(0));

        assertThat(new SessionUsage("s1", "u1", AT, phases.subList(0, 1_000)).phases())
                .hasSize(1_000);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new SessionUsage("s1", "u1", AT, phases))
                .withMessage("session s1 has 1001 phases, over 1000");
    }

    @Test
    void refusesTokenCountsOverATrillionPerPhase() {
        long trillion = PhaseUsage.MAX_TOKENS;

        assertThat(new PhaseUsage("p", "m", trillion, trillion, trillion).totalTokens())
                .isEqualTo(3 * trillion);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PhaseUsage("p", "m", trillion + 1, 0, 0))
                .withMessageStartingWith("token count over 1000000000000 in phase 'p'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PhaseUsage("p", "m", 0, Long.MAX_VALUE, 0));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PhaseUsage("p", "m", 0, 0, trillion + 1));
    }

    @Test
    void refusesPhaseAndModelNamesOver200CharactersQuotingOnlyTheirStart() {
        String longest = "m".repeat(PhaseUsage.MAX_NAME_LENGTH);

        assertThat(new PhaseUsage(longest, longest, 1, 0, 0).model()).hasSize(200);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PhaseUsage("p", longest + "m", 1, 0, 0))
                .withMessageStartingWith("model is 201 characters long, over 200")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(100));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PhaseUsage(longest + "p", "m", -1, 0, 0))
                .withMessageStartingWith("phase is 201 characters long");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PhaseUsage("p", "gpt\0", 1, 0, 0))
                .withMessage("model contains U+0000: gpt?");
    }
}
