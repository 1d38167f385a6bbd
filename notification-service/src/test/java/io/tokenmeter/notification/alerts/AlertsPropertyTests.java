package io.tokenmeter.notification.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Ordering and duplication rules of alerting, over arbitrary deliveries of the same records. */
class AlertsPropertyTests {

    static final Instant NOW = Instant.parse("2026-12-15T12:00:00Z");
    static final Instant PERIOD = Instant.parse("2026-12-01T00:00:00Z");

    static Alerts alerts(InMemoryAlertStore store) {
        return new Alerts(
                store, store, store, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(3));
    }

    @Property
    void queuesEachCrossingOnceHoweverOftenAndInWhateverOrderItArrives(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 2) Integer> thresholds,
            @ForAll @IntRange(min = 1, max = 4) int copies,
            @ForAll long seed) {
        List<ThresholdCrossing> arrivals = new ArrayList<>();
        for (int copy = 0; copy < copies; copy++) {
            for (int threshold : thresholds) {
                int percent = new int[] {70, 90, 100}[threshold];
                arrivals.add(
                        new ThresholdCrossing(
                                "u", percent, percent * 12_000L, 1_200_000, PERIOD, NOW));
            }
        }
        Collections.shuffle(arrivals, new Random(seed));
        InMemoryAlertStore store = new InMemoryAlertStore();

        // Delivered in arbitrary batches, as a consumer that is restarted would.
        int cut = arrivals.size() / 2;
        alerts(store).thresholdsCrossed(arrivals.subList(0, cut));
        alerts(store).thresholdsCrossed(arrivals.subList(cut, arrivals.size()));

        Set<Integer> distinct = thresholds.stream().collect(Collectors.toSet());
        assertThat(store.queued).hasSize(distinct.size());
        assertThat(store.queued.values())
                .extracting(n -> ((UsageAlert) n.cause()).thresholdPercent())
                .doesNotHaveDuplicates();
    }

    @Example
    void namesThePaidTierWhoseLimitACrossingQuotesWhenNoStateHasArrived() {
        Map<Long, String> expected =
                Map.of(
                        1_200_000L, "ESSENTIEL",
                        6_000_000L, "PRO",
                        24_000_000L, "MAX",
                        100_000L, "payant",
                        5_000_000L, "payant");
        expected.forEach(
                (limit, tier) -> {
                    InMemoryAlertStore store = new InMemoryAlertStore();
                    alerts(store)
                            .thresholdsCrossed(
                                    List.of(
                                            new ThresholdCrossing(
                                                    "u", 70, limit * 7 / 10, limit, PERIOD, NOW)));
                    assertThat(store.queued.values())
                            .as("limit %d", limit)
                            .singleElement()
                            .extracting(n -> ((UsageAlert) n.cause()).tier())
                            .isEqualTo(tier);
                });
    }

    @Property
    void keepsTheNewestStateAndTellsNothingAboutOlderOnesWhateverTheOrder(
            @ForAll("versionedStates") List<Subscription> states, @ForAll long seed) {
        List<Subscription> arrivals = new ArrayList<>(states);
        arrivals.addAll(states);
        Collections.shuffle(arrivals, new Random(seed));
        InMemoryAlertStore store = new InMemoryAlertStore();

        for (Subscription state : arrivals) {
            int before = store.queued.size();
            Subscription kept = store.states.get("u");
            alerts(store).subscriptionsReported(List.of(state));
            if (kept != null && !state.isNewerThan(kept)) {
                assertThat(store.queued).hasSize(before);
                assertThat(store.states.get("u")).isEqualTo(kept);
            }
        }

        long newest = states.stream().mapToLong(Subscription::version).max().orElseThrow();
        assertThat(store.states.get("u").version()).isEqualTo(newest);
    }

    @Property
    void aReplayOfTheSameStatesQueuesNothingNew(
            @ForAll("versionedStates") List<Subscription> states) {
        List<Subscription> inOrder =
                states.stream()
                        .sorted(java.util.Comparator.comparingLong(Subscription::version))
                        .toList();
        InMemoryAlertStore store = new InMemoryAlertStore();
        alerts(store).subscriptionsReported(inOrder);
        int told = store.queued.size();

        // A replay into a service that lost its kept states but kept its outbox.
        store.states.clear();
        alerts(store).subscriptionsReported(inOrder);

        assertThat(store.queued).hasSize(told);
    }

    @Provide
    Arbitrary<List<Subscription>> versionedStates() {
        Arbitrary<String> tiers = Arbitraries.of("FREE", "ESSENTIEL", "PRO", "MAX");
        Arbitrary<Boolean> failed = Arbitraries.of(true, false);
        Arbitrary<Boolean> canceled = Arbitraries.frequency(Tuple.of(1, true), Tuple.of(4, false));
        return Combinators.combine(tiers, failed, canceled)
                .as(PartialState::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(8)
                .map(
                        partials -> {
                            List<Subscription> states = new ArrayList<>();
                            for (int i = 0; i < partials.size(); i++) {
                                PartialState p = partials.get(i);
                                // Stripe times run backwards on purpose: versions decide.
                                Instant created = NOW.minusSeconds(60L * i);
                                states.add(
                                        new Subscription(
                                                "u",
                                                p.canceled() ? "FREE" : p.tier(),
                                                p.canceled() ? "canceled" : "active",
                                                !p.canceled() && p.failed(),
                                                PERIOD,
                                                PERIOD.plus(Duration.ofDays(31)),
                                                created,
                                                created,
                                                i + 1,
                                                "cus_u"));
                            }
                            return states;
                        });
    }

    record PartialState(String tier, boolean failed, boolean canceled) {}
}
