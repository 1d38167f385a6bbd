package io.tokenmeter.metering.usage;

import static net.jqwik.api.RandomDistribution.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Which thresholds metering announces, on the real PostgreSQL store: never one twice, never one
 * lost, and, in the renewal race, none against FREE that a paid user's usage does not end up
 * reaching (the rule of {@link Thresholds}).
 */
class ThresholdAnnouncementIntegrationTests {

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    static final List<String> USERS = List.of("u1", "u2");

    static MeterOnPostgres postgres;
    static UsageMeter meter;
    static final List<ThresholdCrossing> announced = new ArrayList<>();

    @BeforeContainer
    static void database() {
        postgres = MeterOnPostgres.create(ThresholdAnnouncementIntegrationTests.class);
        meter = postgres.meter((costs, usage, crossings, at) -> announced.addAll(crossings));
    }

    /**
     * A paid user renews period after period (maybe with lapses between them) and maybe cancels;
     * their sessions, the renewals' states and redeliveries arrive in any order, except that some
     * paid state of theirs is known before their first session is metered, and a cancellation
     * arrives after every renewal.
     *
     * <p>Why the order is narrowed: while the latest known state is FREE, a session in time whose
     * paid state has not arrived yet counts, and is announced, as FREE. That is the case for a
     * session arriving before any paid state (a FREE user's upgrade racing its first sessions) and
     * for one arriving after the cancellation but before the renewal that covers it; both are
     * documented known races. And a paid period's crossings are announced as they happen (this rule
     * leaves them alone): a session that a later cancellation moves out of the period it was
     * counted in can leave a paid announcement its final total does not reach, so the paid half of
     * the subset claim is made only when the cancellation moves no session.
     */
    @Property(tries = 60)
    void announcesOnlyThresholdsTheFinalTotalsReachWhenAPaidStateIsKnownBeforeTheSessions(
            @ForAll("paidLives") PaidLife life, @ForAll long seed) {
        postgres.clear();
        announced.clear();
        Random random = new Random(seed);

        deliverInOrder(life.arrivals(random), random);

        BillingHistory history = BillingHistory.derive(life.states());
        Set<String> reached = reachedByFinalTotals(life.sessions(), history);
        Set<String> announcedKeys = keys(announced);
        assertThat(announced).hasSameSizeAs(announcedKeys);
        assertThat(free(announcedKeys)).isSubsetOf(free(reached));
        if (life.cancellation().isPresent()) {
            assertThat(free(announcedKeys)).isEqualTo(free(reached));
        } else {
            assertThat(free(announcedKeys)).isEmpty();
        }
        assertThat(paid(announcedKeys)).containsAll(paid(reached));
        if (life.cancellationMovesNoSession()) {
            assertThat(paid(announcedKeys)).isEqualTo(paid(reached));
        }
        coverage("FREE announced", !free(announcedKeys).isEmpty(), 20);
        coverage("paid announced", !paid(announcedKeys).isEmpty(), 10);
    }

    /**
     * Whatever the histories and the arrival order: no threshold is announced twice, every
     * threshold a paid period's final total reaches is announced, and so is every threshold the
     * FREE total of a user who ends up on FREE reaches (whatever was held back is not lost).
     */
    @Property(tries = 100)
    void announcesEveryThresholdTheFinalTotalsReachOnceInAnyArrivalOrder(
            @ForAll("sessions") List<SessionUsage> sessions,
            @ForAll("changes") List<SubscriptionChange> changes,
            @ForAll long seed) {
        postgres.clear();
        announced.clear();
        Random random = new Random(seed);
        List<Object> arrivals = Arrivals.shuffledWithRedeliveries(sessions, changes, random);

        Arrivals.deliverInRandomBatches(meter, arrivals, random);

        assertThat(announced).hasSameSizeAs(keys(announced));
        assertThat(recordedCount()).isEqualTo(announced.size());
        for (String user : USERS) {
            BillingHistory history =
                    BillingHistory.derive(
                            changes.stream().filter(c -> c.userId().equals(user)).toList());
            Set<String> reached =
                    reachedByFinalTotals(
                            sessions.stream().filter(s -> s.userId().equals(user)).toList(),
                            history);
            Set<String> announcedKeys =
                    keys(announced.stream().filter(c -> c.userId().equals(user)).toList());
            assertThat(paid(announcedKeys)).containsAll(paid(reached));
            if (!history.current().tier().paid()) {
                assertThat(free(announcedKeys)).containsAll(free(reached));
            }
        }
        coverage("FREE announced", announced.stream().anyMatch(c -> c.periodStart().isEmpty()), 30);
        coverage(
                "paid announced", announced.stream().anyMatch(c -> c.periodStart().isPresent()), 2);
    }

    /** Fails the property if fewer than {@code percent} % of its tries had the case. */
    private static void coverage(String label, boolean happened, double percent) {
        Statistics.label(label).collect(happened);
        Statistics.label(label)
                .coverage(checker -> checker.check(true).percentage(p -> p >= percent));
    }

    // --- delivery

    /** Delivers in exactly this order, consecutive sessions or states in batches of 1 to 4. */
    private static void deliverInOrder(List<Object> arrivals, Random random) {
        int i = 0;
        while (i < arrivals.size()) {
            boolean isSession = arrivals.get(i) instanceof SessionUsage;
            int end = i;
            int max = 1 + random.nextInt(4);
            while (end < arrivals.size()
                    && end - i < max
                    && (arrivals.get(end) instanceof SessionUsage) == isSession) {
                end++;
            }
            deliver(arrivals.subList(i, end), isSession);
            i = end;
        }
    }

    private static void deliver(List<Object> batch, boolean sessions) {
        if (sessions) {
            meter.meter(batch.stream().map(SessionUsage.class::cast).toList());
        } else {
            meter.applySubscriptionChanges(
                    batch.stream().map(SubscriptionChange.class::cast).toList());
        }
    }

    // --- expectations

    /**
     * "bucket@percent" for every threshold the complete history's totals reach, each session
     * counted once in its period (FREE: outside every period), against its period's tier.
     */
    private static Set<String> reachedByFinalTotals(
            List<SessionUsage> sessions, BillingHistory history) {
        Map<String, SessionUsage> unique = new LinkedHashMap<>();
        sessions.forEach(s -> unique.putIfAbsent(s.sessionId(), s));
        Map<Optional<Instant>, Long> totals = new LinkedHashMap<>();
        unique.values()
                .forEach(
                        s ->
                                totals.merge(
                                        history.bucketAt(s.completedAt()),
                                        s.totalTokens(),
                                        Long::sum));
        Set<String> reached = new TreeSet<>();
        totals.forEach(
                (bucket, tokens) -> {
                    Tier tier =
                            bucket.map(
                                            period ->
                                                    history.segments().stream()
                                                            .filter(
                                                                    s ->
                                                                            s.periodStart()
                                                                                    .equals(period))
                                                            .findFirst()
                                                            .orElseThrow()
                                                            .tier())
                                    .orElse(Tier.FREE);
                    for (int percent : ThresholdCrossing.THRESHOLDS) {
                        if (tokens * 100 >= (long) percent * tier.limit()) {
                            reached.add(key(bucket, percent));
                        }
                    }
                });
        return reached;
    }

    private static Set<String> keys(List<ThresholdCrossing> crossings) {
        Set<String> keys = new HashSet<>();
        crossings.forEach(
                c -> keys.add(c.userId() + "/" + key(c.periodStart(), c.thresholdPercent())));
        return keys;
    }

    private static String key(Optional<Instant> bucket, int percent) {
        return bucket.map(Instant::toString).orElse("FREE") + "@" + percent;
    }

    /** Drops the user prefix ("u/FREE@70" → "FREE@70") and keeps the FREE bucket's keys. */
    private static Set<String> free(Set<String> keys) {
        return bucketKeys(keys, true);
    }

    private static Set<String> paid(Set<String> keys) {
        return bucketKeys(keys, false);
    }

    private static Set<String> bucketKeys(Set<String> keys, boolean free) {
        Set<String> selected = new TreeSet<>();
        for (String key : keys) {
            String bucketKey = key.substring(key.indexOf('/') + 1);
            if (bucketKey.startsWith("FREE@") == free) {
                selected.add(bucketKey);
            }
        }
        return selected;
    }

    private static int recordedCount() {
        return postgres.jdbc.queryForObject("select count(*) from usage_threshold", Integer.class);
    }

    // --- generators

    /** One paid user's life: renewals in order, maybe a cancellation, and sessions. */
    record PaidLife(
            List<SubscriptionChange> renewals,
            Optional<SubscriptionChange> cancellation,
            List<SessionUsage> sessions) {

        List<SubscriptionChange> states() {
            return Stream.concat(renewals.stream(), cancellation.stream()).toList();
        }

        /**
         * Some renewal first, then everything else shuffled with redeliveries, the cancellation
         * somewhere after the last renewal state.
         */
        List<Object> arrivals(Random random) {
            SubscriptionChange first = renewals.get(random.nextInt(renewals.size()));
            List<Object> rest = new ArrayList<>(sessions);
            renewals.stream().filter(state -> state != first).forEach(rest::add);
            List<Object> redeliverable = new ArrayList<>(sessions);
            redeliverable.addAll(renewals);
            for (int i = 0; i < (redeliverable.size() + 1) / 3; i++) {
                rest.add(redeliverable.get(random.nextInt(redeliverable.size())));
            }
            Collections.shuffle(rest, random);
            cancellation.ifPresent(
                    state -> {
                        int lastRenewal = -1;
                        for (int i = 0; i < rest.size(); i++) {
                            if (rest.get(i) instanceof SubscriptionChange) {
                                lastRenewal = i;
                            }
                        }
                        int at = lastRenewal + 1 + random.nextInt(rest.size() - lastRenewal);
                        rest.add(at, state);
                    });
            List<Object> arrivals = new ArrayList<>();
            arrivals.add(first);
            arrivals.addAll(rest);
            return arrivals;
        }

        /** Whether the cancellation leaves every session in the paid period it was counted in. */
        boolean cancellationMovesNoSession() {
            BillingHistory renewed = BillingHistory.derive(renewals);
            BillingHistory complete = BillingHistory.derive(states());
            return sessions.stream()
                    .map(SessionUsage::completedAt)
                    .allMatch(
                            at ->
                                    renewed.bucketAt(at).isEmpty()
                                            || renewed.bucketAt(at).equals(complete.bucketAt(at)));
        }
    }

    @Provide
    Arbitrary<PaidLife> paidLives() {
        Arbitrary<Integer> lapseDays =
                Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.just(0)),
                        Tuple.of(1, Arbitraries.integers().between(1, 10)));
        Arbitrary<List<SubscriptionChange>> renewals =
                Combinators.combine(
                                Arbitraries.of(Tier.ESSENTIEL, Tier.PRO),
                                Arbitraries.integers().between(20, 35),
                                lapseDays)
                        .as(Tuple::of)
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(4)
                        .map(
                                periods -> {
                                    List<SubscriptionChange> states = new ArrayList<>();
                                    // Some FREE time before the subscription.
                                    Instant start = EPOCH.plus(Duration.ofDays(30));
                                    for (var period : periods) {
                                        start = start.plus(Duration.ofDays(period.get3()));
                                        Instant end = start.plus(Duration.ofDays(period.get2()));
                                        states.add(
                                                new SubscriptionChange(
                                                        "u",
                                                        period.get1(),
                                                        "active",
                                                        Optional.of(start),
                                                        Optional.of(end),
                                                        start,
                                                        start,
                                                        start.toEpochMilli()));
                                        start = end;
                                    }
                                    return List.copyOf(states);
                                });
        return renewals.flatMap(
                states -> {
                    SubscriptionChange last = states.get(states.size() - 1);
                    Instant lastStart = last.periodStart().orElseThrow();
                    Instant horizon = last.periodEnd().orElseThrow().plus(Duration.ofDays(20));
                    Arbitrary<SubscriptionChange> cancellation =
                            Arbitraries.longs()
                                    .between(1, Duration.between(lastStart, horizon).toHours())
                                    .map(
                                            hours -> {
                                                Instant at =
                                                        lastStart.plus(Duration.ofHours(hours));
                                                return new SubscriptionChange(
                                                        "u",
                                                        Tier.FREE,
                                                        "canceled",
                                                        Optional.empty(),
                                                        Optional.empty(),
                                                        at,
                                                        at,
                                                        at.toEpochMilli());
                                            })
                                    .injectNull(0.3);
                    Arbitrary<List<SessionUsage>> sessions =
                            session("u", Duration.between(EPOCH, horizon).toHours(), 1_500_000)
                                    .list()
                                    .uniqueElements(SessionUsage::sessionId)
                                    .ofMinSize(2)
                                    .ofMaxSize(16);
                    return Combinators.combine(cancellation, sessions)
                            .as(
                                    (cancelled, sessionList) ->
                                            new PaidLife(
                                                    states,
                                                    Optional.ofNullable(cancelled),
                                                    sessionList));
                });
    }

    @Provide
    Arbitrary<List<SessionUsage>> sessions() {
        return Arbitraries.of(USERS)
                .flatMap(user -> session(user, 160 * 24, 8_000_000))
                .list()
                .uniqueElements(SessionUsage::sessionId)
                .ofMinSize(4)
                .ofMaxSize(20);
    }

    @Provide
    Arbitrary<List<SubscriptionChange>> changes() {
        return BillingHistoryPropertyTests.changeOfOneOf(USERS).list().ofMinSize(2).ofMaxSize(6);
    }

    /**
     * A session of the user within {@code hours} of the epoch, half of them small (to cross FREE
     * thresholds one at a time), half up to {@code maxTokens} (to reach paid ones); one id names
     * one session.
     */
    private static Arbitrary<SessionUsage> session(String user, long hours, long maxTokens) {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 39),
                        Arbitraries.longs().between(0, hours).withDistribution(uniform()),
                        Arbitraries.frequencyOf(
                                Tuple.of(1, Arbitraries.longs().between(1, 60_000)),
                                Tuple.of(
                                        1,
                                        Arbitraries.longs()
                                                .between(1, maxTokens)
                                                .withDistribution(uniform()))))
                .as(
                        (id, hour, tokens) ->
                                new SessionUsage(
                                        "s" + id + "-" + user,
                                        user,
                                        EPOCH.plus(Duration.ofHours(hour)),
                                        List.of(
                                                new PhaseUsage(
                                                        "grading", "gpt-4o", tokens, 0, 0))));
    }
}
