package io.tokenmeter.metering.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.metering.usage.CountedSessions;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.UsageMeter;
import io.tokenmeter.schemas.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Reservations under concurrency, on the real PostgreSQL stores: threads run random interleavings
 * of reserve, raise, release, expiry (the clock moves and the sweeper runs), settlement (metering a
 * session, sometimes again) and upgrades, for a few users and sessions. After every step, in one
 * snapshot: {@code used + live holds ≤ limit + overrun} for the step's user, where overrun is what
 * counted sessions used beyond their own live hold; and no hold exists for a metered session. In
 * the end: every session settled at most once, and every hold granted ended released, expired or
 * settled, exactly once.
 */
class ReservationPropertyTests {

    static final Instant EPOCH = Instant.parse("2026-06-01T00:00:00Z");
    static final int THREADS = 6;
    static final List<Tier> UPGRADES = List.of(Tier.ESSENTIEL, Tier.PRO, Tier.MAX);

    static ReservationsOnPostgres postgres;

    @BeforeContainer
    static void database() {
        postgres =
                ReservationsOnPostgres.create(ReservationPropertyTests.class, EPOCH, THREADS + 2);
    }

    @AfterContainer
    static void close() {
        postgres.close();
    }

    enum Kind {
        RESERVE,
        RELEASE,
        SETTLE,
        EXPIRE,
        UPGRADE
    }

    /**
     * One step: {@code percent} of the user's limit is what a reservation asks, or a session uses
     * (up to 60 % of the limit, so that some sessions overrun their hold).
     */
    record Step(Kind kind, int user, int session, int percent, int seconds) {}

    @Property(tries = 25, shrinking = ShrinkingMode.OFF)
    void holdsNeverLetUsageAndHoldsPassTheLimitAndEveryHoldEndsOnce(
            @ForAll("steps") List<Step> steps) throws Exception {
        postgres.clear(EPOCH);
        Recorded recorded = new Recorded();
        Reservations reservations = postgres.reservations(recorded);
        // Reservations go through batches, as the HTTP path's do: concurrent ones are decided
        // together, in transactions side by side.
        AdmissionBatches batches = new AdmissionBatches(reservations, 2, 16);
        CountedSessions settlement = new ReservationSettlement(postgres.store, recorded);
        UsageMeter meter =
                postgres.meter(
                        (counted, now) -> {
                            // Before the count is visible, allow what it used; a settled live
                            // hold takes its share back (Recorded.settled).
                            counted.forEach(
                                    s -> recorded.overrun(s.userId()).addAndGet(s.totalTokens()));
                            return settlement.counted(counted, now);
                        });
        String run = Long.toString(System.nanoTime(), 36);
        Map<String, Tier> tiers = new ConcurrentHashMap<>();
        AtomicLong seq = new AtomicLong();
        List<String> violations = new CopyOnWriteArrayList<>();

        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<Step> mine = new ArrayList<>();
            for (int i = t; i < steps.size(); i += THREADS) {
                mine.add(steps.get(i));
            }
            done.add(
                    threads.submit(
                            () -> {
                                start.await();
                                for (Step step : mine) {
                                    String user = run + "-u" + step.user();
                                    run(
                                            step,
                                            user,
                                            reservations,
                                            batches,
                                            meter,
                                            recorded,
                                            tiers,
                                            seq);
                                    check(user, recorded, violations);
                                }
                                return null;
                            }));
        }
        start.countDown();
        try {
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
            batches.close();
        }
        assertThat(violations).isEmpty();

        // Redelivering every session settles nothing again.
        List<SessionUsage> again = new ArrayList<>(recorded.metered.values());
        int settledBefore = recorded.settledCount();
        meter.meter(again);
        assertThat(recorded.settledCount()).isEqualTo(settledBefore);

        // Every hold ends: let the clock pass every TTL, and sweep.
        postgres.clock.advance(ReservationRequest.MAX_TTL.plusSeconds(1));
        while (reservations.sweep(1000) > 0) {}
        assertThat(postgres.jdbc.queryForObject("select count(*) from reservation", Long.class))
                .isZero();
        recorded.ends.forEach(
                (session, ends) ->
                        assertThat(ends.get())
                                .as("holds of %s granted minus holds ended", session)
                                .isZero());
        recorded.settledPerSession.forEach(
                (session, count) -> assertThat(count.get()).as("settled %s", session).isOne());
    }

    static void run(
            Step step,
            String user,
            Reservations reservations,
            AdmissionBatches batches,
            UsageMeter meter,
            Recorded recorded,
            Map<String, Tier> tiers,
            AtomicLong stateSequence) {
        Tier tier = tiers.getOrDefault(user, Tier.FREE);
        long amount = Math.max(1, tier.limit() * step.percent() / 100);
        // Sessions belong to one user, as the pipeline's do.
        String session = user + "-s" + step.session();
        switch (step.kind()) {
            case RESERVE ->
                    batches.reserve(
                            new ReservationRequest(
                                    user, session, amount, Duration.ofSeconds(step.seconds())));
            case RELEASE -> reservations.release(user, session);
            case SETTLE -> {
                SessionUsage usage = postgres.session(session, user, amount);
                meter.meter(List.of(usage));
                recorded.metered.putIfAbsent(session, usage);
            }
            case EXPIRE -> {
                postgres.clock.advance(Duration.ofSeconds(step.seconds()));
                reservations.sweep(1000);
            }
            case UPGRADE -> {
                Tier next = UPGRADES.get(Math.min(UPGRADES.size() - 1, tier.ordinal()));
                meter.applySubscriptionChanges(
                        List.of(
                                ReservationsOnPostgres.subscribed(
                                        user,
                                        next,
                                        EPOCH,
                                        EPOCH.plusSeconds(stateSequence.incrementAndGet()))));
                tiers.merge(user, next, (a, b) -> a.compareTo(b) >= 0 ? a : b);
            }
        }
    }

    static void check(String user, Recorded recorded, List<String> violations) {
        Map<String, Object> row =
                postgres.jdbc.queryForMap(
                        "select (select count(*) from reservation r join session_ledger l"
                                + " using (session_id)) as orphans");
        Quota quota = postgres.store.quota(user, postgres.clock.instant());
        long allowance = recorded.overrun(user).get();
        if (quota.used() + quota.held() > quota.limit() + allowance) {
            violations.add(
                    user
                            + ": used "
                            + quota.used()
                            + " + held "
                            + quota.held()
                            + " > limit "
                            + quota.limit()
                            + " + overrun "
                            + allowance);
        }
        if (((Number) row.get("orphans")).longValue() != 0) {
            violations.add("a hold exists for a metered session");
        }
    }

    /** Events, by session, and each user's overrun allowance. */
    static final class Recorded implements ReservationEvents {
        final Map<String, AtomicLong> ends = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> settledPerSession = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> overrun = new ConcurrentHashMap<>();
        final Map<String, SessionUsage> metered = new ConcurrentHashMap<>();

        AtomicLong overrun(String user) {
            return overrun.computeIfAbsent(user, u -> new AtomicLong());
        }

        int settledCount() {
            return settledPerSession.values().stream().mapToInt(c -> (int) c.get()).sum();
        }

        private AtomicLong ends(String session) {
            return ends.computeIfAbsent(session, s -> new AtomicLong());
        }

        @Override
        public void granted(Hold hold) {
            ends(hold.sessionId()).incrementAndGet();
        }

        @Override
        public void raised(Hold hold, long previousTokens) {}

        @Override
        public void refused(String userId, long tokens) {}

        @Override
        public void released(Hold hold) {
            ends(hold.sessionId()).decrementAndGet();
        }

        @Override
        public void expired(List<Hold> holds) {
            holds.forEach(hold -> ends(hold.sessionId()).decrementAndGet());
        }

        @Override
        public void settled(Hold hold, boolean live, long usedTokens) {
            ends(hold.sessionId()).decrementAndGet();
            settledPerSession
                    .computeIfAbsent(hold.sessionId(), s -> new AtomicLong())
                    .incrementAndGet();
            if (live) {
                overrun(hold.userId()).addAndGet(-Math.min(usedTokens, hold.tokens()));
            }
        }

        @Override
        public void held(long tokens) {}
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Kind> kinds =
                Arbitraries.frequency(
                        Tuple.of(10, Kind.RESERVE),
                        Tuple.of(2, Kind.RELEASE),
                        Tuple.of(5, Kind.SETTLE),
                        Tuple.of(2, Kind.EXPIRE),
                        Tuple.of(1, Kind.UPGRADE));
        return Combinators.combine(
                        kinds,
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.integers().between(1, 60),
                        Arbitraries.integers().between(30, 900))
                .as(Step::new)
                .list()
                .ofMinSize(20)
                .ofMaxSize(120);
    }
}
