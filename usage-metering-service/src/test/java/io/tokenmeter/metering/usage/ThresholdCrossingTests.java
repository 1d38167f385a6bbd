package io.tokenmeter.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThresholdCrossingTests {

    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void reachesNothingBelowSeventyPercent() {
        assertThat(ThresholdCrossing.reachedBy(free(69_999), NOW)).isEmpty();
    }

    @Test
    void reachesAThresholdExactlyAtItsShare() {
        assertThat(ThresholdCrossing.reachedBy(free(70_000), NOW))
                .extracting(ThresholdCrossing::thresholdPercent)
                .containsExactly(70);
        assertThat(ThresholdCrossing.reachedBy(free(100_000), NOW))
                .extracting(ThresholdCrossing::thresholdPercent)
                .containsExactly(70, 90, 100);
    }

    @Test
    void measuresAPaidPeriodAgainstItsTiersLimit() {
        BucketTotal pro = new BucketTotal("u", Optional.of(NOW), Tier.PRO, 5_400_000, 0);
        assertThat(ThresholdCrossing.reachedBy(pro, NOW))
                .extracting(ThresholdCrossing::thresholdPercent)
                .containsExactly(70, 90);
        assertThat(ThresholdCrossing.reachedBy(pro, NOW).get(0).limit()).isEqualTo(6_000_000);
    }

    @Test
    void looksOnlyAtThresholdsTheLastChangeCrossed() {
        BucketTotal grown = new BucketTotal("u", Optional.empty(), Tier.FREE, 95_000, 80_000);

        assertThat(ThresholdCrossing.reachedBy(grown, NOW))
                .extracting(ThresholdCrossing::thresholdPercent)
                .containsExactly(90);
    }

    @Test
    void looksAtEveryThresholdATotalReachesWhenAskedForAllOfThem() {
        BucketTotal grown = new BucketTotal("u", Optional.empty(), Tier.FREE, 95_000, 80_000);

        assertThat(ThresholdCrossing.allReachedBy(grown, NOW))
                .extracting(ThresholdCrossing::thresholdPercent, ThresholdCrossing::tokensUsed)
                .containsExactly(tuple(70, 95_000L), tuple(90, 95_000L));
    }

    private static BucketTotal free(long tokens) {
        return new BucketTotal("u", Optional.empty(), Tier.FREE, tokens, 0);
    }
}
