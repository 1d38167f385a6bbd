package io.tokenmeter.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Billing history is a function of the set of states: arrival order and duplicates don't matter.
 */
class BillingHistoryPropertyTests {

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    @Property(tries = 300)
    void anyOrderAndAnyDuplicationYieldTheSameHistory(
            @ForAll("histories") List<SubscriptionChange> changes,
            @ForAll("permutationSeeds") long seed) {
        List<SubscriptionChange> shuffled = new ArrayList<>(changes);
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        if (!changes.isEmpty()) {
            shuffled.add(changes.get((int) Math.floorMod(seed, changes.size())));
        }

        assertThat(BillingHistory.derive(shuffled)).isEqualTo(BillingHistory.derive(changes));
    }

    @Property(tries = 300)
    void segmentsNeverOverlap(@ForAll("histories") List<SubscriptionChange> changes) {
        List<BillingSegment> segments = BillingHistory.derive(changes).segments();
        for (int i = 1; i < segments.size(); i++) {
            assertThat(segments.get(i).start()).isAfterOrEqualTo(segments.get(i - 1).end());
        }
        segments.forEach(segment -> assertThat(segment.end()).isAfter(segment.start()));
    }

    @Provide
    Arbitrary<Long> permutationSeeds() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<List<SubscriptionChange>> histories() {
        return change().list().ofMaxSize(8);
    }

    /** {@link #change()}, for one of {@code users}. */
    static Arbitrary<SubscriptionChange> changeOfOneOf(List<String> users) {
        return Combinators.combine(change(), Arbitraries.of(users))
                .as(
                        (change, user) ->
                                new SubscriptionChange(
                                        user,
                                        change.tier(),
                                        change.status(),
                                        change.periodStart(),
                                        change.periodEnd(),
                                        change.stripeEventCreated(),
                                        change.updatedAt(),
                                        change.version()));
    }

    static Arbitrary<SubscriptionChange> change() {
        Arbitrary<Integer> days = Arbitraries.integers().between(0, 120);
        return Combinators.combine(
                        Arbitraries.of(Tier.class),
                        days,
                        Arbitraries.integers().between(1, 40),
                        days,
                        Arbitraries.longs().between(0, 20))
                .as(Tuple::of)
                .map(
                        t -> {
                            Instant start = EPOCH.plusSeconds(86_400L * t.get2());
                            Instant eventAt = EPOCH.plusSeconds(86_400L * t.get4());
                            boolean paid = t.get1().paid();
                            return new SubscriptionChange(
                                    "u",
                                    t.get1(),
                                    paid ? "active" : "canceled",
                                    paid ? Optional.of(start) : Optional.empty(),
                                    paid
                                            ? Optional.of(start.plusSeconds(86_400L * t.get3()))
                                            : Optional.empty(),
                                    eventAt,
                                    eventAt,
                                    t.get5());
                        });
    }
}
