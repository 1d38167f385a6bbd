package io.tokenmeter.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThresholdsTests {

    static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");
    static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");
    static final Plan PRO_NOV = new Plan(Tier.PRO, Optional.of(NOV), Optional.of(DEC));

    @Test
    void holdsBackFreeCrossingsOfAUserOnAPaidPlan() {
        List<ThresholdCrossing> crossed =
                Thresholds.crossedByMetering(
                        List.of(free("u", 95_000, 0)), Map.of("u", usage("u", PRO_NOV, 0)), NOW);

        assertThat(crossed).isEmpty();
    }

    @Test
    void holdsBackFreeCrossingsOfAPaidUserWhosePeriodIsNotKnownYet() {
        Plan proWithoutPeriod = new Plan(Tier.PRO, Optional.empty(), Optional.empty());

        List<ThresholdCrossing> crossed =
                Thresholds.crossedByMetering(
                        List.of(free("u", 95_000, 0)),
                        Map.of("u", usage("u", proWithoutPeriod, 95_000)),
                        NOW);

        assertThat(crossed).isEmpty();
    }

    @Test
    void announcesPaidPeriodCrossingsOfAUserOnAPaidPlan() {
        BucketTotal november = new BucketTotal("u", Optional.of(NOV), Tier.PRO, 4_500_000, 0);

        List<ThresholdCrossing> crossed =
                Thresholds.crossedByMetering(
                        List.of(november, free("u", 95_000, 0)),
                        Map.of("u", usage("u", PRO_NOV, 4_500_000)),
                        NOW);

        assertThat(crossed)
                .extracting(ThresholdCrossing::periodStart, ThresholdCrossing::thresholdPercent)
                .containsExactly(tuple(Optional.of(NOV), 70));
    }

    @Test
    void announcesFreeCrossingsAsTheyHappenForAUserOnFree() {
        List<ThresholdCrossing> crossed =
                Thresholds.crossedByMetering(
                        List.of(free("free", 95_000, 80_000), free("unknown", 75_000, 0)),
                        Map.of("free", usage("free", Plan.FREE, 95_000)),
                        NOW);

        assertThat(crossed)
                .extracting(ThresholdCrossing::userId, ThresholdCrossing::thresholdPercent)
                .containsExactly(tuple("free", 90), tuple("unknown", 70));
    }

    @Test
    void evaluatesEveryThresholdTheFreeTotalReachesWhenStatesLeaveTheUserOnFree() {
        List<ThresholdCrossing> reached =
                Thresholds.reachedAfterStateChanges(
                        List.of(), List.of(usage("u", Plan.FREE, 95_000)), NOW);

        assertThat(reached)
                .extracting(ThresholdCrossing::periodStart, ThresholdCrossing::thresholdPercent)
                .containsExactly(tuple(Optional.empty(), 70), tuple(Optional.empty(), 90));
        assertThat(reached).allSatisfy(c -> assertThat(c.tokensUsed()).isEqualTo(95_000));
        assertThat(reached).allSatisfy(c -> assertThat(c.limit()).isEqualTo(100_000));
    }

    @Test
    void keepsTheFreeTotalHeldBackWhenStatesLeaveTheUserOnAPaidPlan() {
        BucketTotal recomputedFree = free("u", 95_000, 0);
        BucketTotal december = new BucketTotal("u", Optional.of(DEC), Tier.PRO, 4_500_000, 0);
        Plan proDec = new Plan(Tier.PRO, Optional.of(DEC), Optional.of(DEC.plusSeconds(86_400)));

        List<ThresholdCrossing> reached =
                Thresholds.reachedAfterStateChanges(
                        List.of(recomputedFree, december),
                        List.of(usage("u", proDec, 4_500_000)),
                        NOW);

        assertThat(reached)
                .extracting(ThresholdCrossing::periodStart, ThresholdCrossing::thresholdPercent)
                .containsExactly(tuple(Optional.of(DEC), 70));
    }

    @Test
    void evaluatesTheFreeBucketOnceWhenItWasAlsoRecomputed() {
        List<ThresholdCrossing> reached =
                Thresholds.reachedAfterStateChanges(
                        List.of(free("u", 75_000, 0)), List.of(usage("u", Plan.FREE, 75_000)), NOW);

        assertThat(reached).extracting(ThresholdCrossing::thresholdPercent).containsExactly(70);
    }

    private static BucketTotal free(String user, long tokens, long previous) {
        return new BucketTotal(user, Optional.empty(), Tier.FREE, tokens, previous);
    }

    private static UsageSnapshot usage(String user, Plan plan, long tokens) {
        return new UsageSnapshot(user, plan, tokens);
    }
}
