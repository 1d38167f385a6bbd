package io.tokenmeter.metering.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.metering.usage.Plan;
import io.tokenmeter.schemas.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The admission rule alone, without a database ({@link Reservations#decide}). */
class ReservationDecisionTests {

    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    static final Quota FREE_40K_USED = new Quota("u", Plan.FREE, 40_000, 20_000);

    @Test
    void grantsANewHoldThatFitsAndCountsItInWhatRemains() {
        Reservations.Attempt attempt = decide(30_000, FREE_40K_USED, Optional.empty());

        assertThat(attempt.admission())
                .isEqualTo(
                        new Admission.Granted(
                                new Hold("s", "u", 30_000, NOW.plusSeconds(900)), true, 10_000));
    }

    @Test
    void refusesAHoldThatDoesNotFitAndNamesTheNextTierInWhichItWould() {
        assertThat(decide(40_001, FREE_40K_USED, Optional.empty()).admission())
                .isEqualTo(new Admission.Refused(Tier.FREE, 40_000, Optional.of(Tier.ESSENTIEL)));
        Quota maxFull =
                new Quota("u", new Plan(Tier.MAX, Optional.of(NOW), Optional.empty()), 0, 0);
        assertThat(decide(24_000_001, maxFull, Optional.empty()).admission())
                .isEqualTo(new Admission.Refused(Tier.MAX, 24_000_000, Optional.empty()));
    }

    @Test
    void raisesAHoldByTheDifferenceWhenItFitsAndKeepsTheLaterExpiry() {
        Hold held = new Hold("s", "u", 30_000, NOW.plusSeconds(3_600));

        Reservations.Attempt raised = decide(40_000, FREE_40K_USED, Optional.of(held));

        assertThat(raised.admission())
                .isEqualTo(
                        new Admission.Granted(
                                new Hold("s", "u", 40_000, NOW.plusSeconds(3_600)), false, 0));
        assertThat(raised.raisedFrom()).isEqualTo(30_000);
        assertThat(decide(40_001, FREE_40K_USED, Optional.of(held)).admission())
                .isEqualTo(new Admission.Refused(Tier.FREE, 10_000, Optional.of(Tier.ESSENTIEL)));
    }

    @Property
    void aHoldNeverShrinks(@ForAll @LongRange(min = 1, max = 30_000) long asked) {
        Hold held = new Hold("s", "u", 30_000, NOW.plusSeconds(60));

        assertThat(decide(asked, FREE_40K_USED, Optional.of(held)).admission())
                .isEqualTo(new Admission.Granted(held, false, 10_000));
    }

    @Test
    void anExpiredHoldIsReplacedByANewOne() {
        Hold expired = new Hold("s", "u", 30_000, NOW);

        Reservations.Attempt attempt = decide(5_000, FREE_40K_USED, Optional.of(expired));

        assertThat(attempt.admission()).isInstanceOf(Admission.Granted.class);
        assertThat(((Admission.Granted) attempt.admission()).created()).isTrue();
        assertThat(attempt.expired()).isEqualTo(expired);
    }

    @Test
    void aLiveHoldOfAnotherUserIsNotTouched() {
        Hold theirs = new Hold("s", "someone-else", 1_000, NOW.plusSeconds(60));

        assertThat(decide(1_000, FREE_40K_USED, Optional.of(theirs)).admission())
                .isEqualTo(new Admission.HeldForAnotherUser("s"));
    }

    static Reservations.Attempt decide(long tokens, Quota others, Optional<Hold> existing) {
        return Reservations.decide(
                new ReservationRequest("u", "s", tokens, Duration.ofSeconds(900)),
                others,
                existing,
                NOW);
    }
}
