package io.tokenmeter.metering.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenmeter.metering.reservation.jdbc.JdbcReservationStore;
import io.tokenmeter.metering.reservation.metrics.MicrometerReservationEvents;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.UsageMeter;
import io.tokenmeter.schemas.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expiry (with a clock the test moves), tier changes and settlement, on the real stores. */
class ReservationsOnPostgresTests {

    static final Instant START = Instant.parse("2026-06-01T00:00:00Z");

    static ReservationsOnPostgres postgres;

    final List<String> happened = new ArrayList<>();
    final String user = "u_" + UUID.randomUUID();
    Reservations reservations;
    UsageMeter meter;

    @BeforeAll
    static void database() {
        postgres = ReservationsOnPostgres.create(ReservationsOnPostgresTests.class, START, 4);
    }

    @AfterAll
    static void close() {
        postgres.close();
    }

    @BeforeEach
    void cores() {
        postgres.clock.set(START);
        ReservationEvents events = new Logged(happened);
        reservations = postgres.reservations(events);
        meter = postgres.meter(new ReservationSettlement(postgres.store, events));
    }

    @Test
    void aHoldStopsCountingAtItsExpiryAndTheSweeperDeletesItLater() {
        assertThat(reserve("a", 80_000, 60)).isInstanceOf(Admission.Granted.class);
        assertThat(reserve("b", 30_000, 60)).isInstanceOf(Admission.Refused.class);

        postgres.clock.advance(Duration.ofSeconds(59));
        assertThat(reservations.quotaOf(user).held()).isEqualTo(80_000);
        postgres.clock.advance(Duration.ofSeconds(1));
        assertThat(reservations.quotaOf(user).held()).isZero();
        assertThat(reservations.quotaOf(user).remainingTokens()).isEqualTo(100_000);
        assertThat(reserve("b", 30_000, 60)).isInstanceOf(Admission.Granted.class);

        postgres.jdbc.update("delete from reservation where user_id <> ?", user);
        happened.clear();
        assertThat(reservations.sweep(1000)).isEqualTo(1);
        assertThat(happened).containsExactly("expired a", "held 30000");
        assertThat(postgres.jdbc.queryForList("select session_id from reservation", String.class))
                .containsExactly(user + "-b");
    }

    /**
     * One batch (as {@link AdmissionBatches} gathers concurrent requests): each request sees the
     * holds granted before it in the batch, for its user and for its session.
     */
    @Test
    void aBatchDecidesItsRequestsInOrderEachSeeingTheHoldsGrantedBefore() {
        String other = "u_" + UUID.randomUUID();
        List<Admission> admissions =
                reservations.reserveAll(
                        List.of(
                                request(user, "a", 60_000),
                                request(other, "x", 90_000),
                                request(user, "b", 30_000),
                                request(user, "c", 20_000),
                                request(user, "a", 70_000),
                                request(user, "a", 50_000)));

        assertThat(admissions.get(0)).isInstanceOf(Admission.Granted.class);
        assertThat(admissions.get(1)).isInstanceOf(Admission.Granted.class);
        assertThat(admissions.get(2)).isInstanceOf(Admission.Granted.class);
        assertThat(admissions.get(3))
                .isEqualTo(new Admission.Refused(Tier.FREE, 10_000, Optional.of(Tier.ESSENTIEL)));
        assertThat(admissions.get(4)).isInstanceOf(Admission.Granted.class);
        assertThat(((Admission.Granted) admissions.get(4)).remainingTokens()).isZero();
        assertThat(((Admission.Granted) admissions.get(5)).hold().tokens()).isEqualTo(70_000);
        assertThat(reservations.quotaOf(user).held()).isEqualTo(100_000);
        assertThat(reservations.quotaOf(other).held()).isEqualTo(90_000);
        assertThat(happened)
                .containsExactlyInAnyOrder(
                        "granted a 60000",
                        "granted x 90000",
                        "granted b 30000",
                        "refused 20000",
                        "raised a 60000->70000");
    }

    ReservationRequest request(String userId, String session, long tokens) {
        return new ReservationRequest(
                userId, userId + "-" + session, tokens, Duration.ofSeconds(60));
    }

    @Test
    void anExpiredHoldAskedForAgainIsANewHoldAndItsLateSessionCountsInFull() {
        reserve("a", 50_000, 60);
        postgres.clock.advance(Duration.ofSeconds(61));
        happened.clear();
        Admission again = reserve("a", 50_000, 60);
        assertThat(again).isInstanceOf(Admission.Granted.class);
        assertThat(((Admission.Granted) again).created()).isTrue();
        assertThat(happened).containsExactly("expired a", "granted a 50000");

        postgres.clock.advance(Duration.ofSeconds(61));
        happened.clear();
        meter.meter(List.of(postgres.session(user + "-a", user, 70_000)));
        assertThat(happened).containsExactly("settled a live=false used=70000");
        assertThat(reservations.quotaOf(user).used()).isEqualTo(70_000);
        assertThat(reservations.quotaOf(user).held()).isZero();
    }

    @Test
    void aSessionSettlesItsHoldOnceAndCountsInFullBeyondIt() {
        reserve("a", 20_000, 900);
        meter.meter(List.of(postgres.session(user + "-a", user, 25_000)));
        meter.meter(List.of(postgres.session(user + "-a", user, 25_000)));
        assertThat(happened).containsExactly("granted a 20000", "settled a live=true used=25000");
        assertThat(reservations.quotaOf(user).used()).isEqualTo(25_000);
        assertThat(reserve("a", 1_000, 900)).isInstanceOf(Admission.AlreadySettled.class);
    }

    /**
     * A batch whose announcement fails after it settled (the broker unreachable) rolls back, the
     * hold with it, and is metered again: the settlement's metrics move once, for the commit.
     */
    @Test
    void aBatchRolledBackAfterSettlingCountsItsSettlementOnceWhenDeliveredAgain() {
        reserve("a", 20_000, 900);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MicrometerReservationEvents metrics = new MicrometerReservationEvents(registry);
        AtomicBoolean brokerDown = new AtomicBoolean(true);
        UsageMeter failingOnce =
                postgres.meter(
                        (costs, usage, crossings, at) -> {
                            if (brokerDown.getAndSet(false)) {
                                throw new IllegalStateException("broker unreachable");
                            }
                        },
                        new ReservationSettlement(postgres.store, metrics));
        double settledBefore = settled(registry);
        long overrunsBefore = overrun(registry).count();
        double overrunTokensBefore = overrun(registry).totalAmount();
        SessionUsage session = postgres.session(user + "-a", user, 25_000);

        assertThatThrownBy(() -> failingOnce.meter(List.of(session)))
                .hasMessage("broker unreachable");
        assertThat(reservations.quotaOf(user).held()).isEqualTo(20_000);
        assertThat(settled(registry) - settledBefore).isZero();
        failingOnce.meter(List.of(session));

        assertThat(reservations.quotaOf(user).used()).isEqualTo(25_000);
        assertThat(reservations.quotaOf(user).held()).isZero();
        assertThat(settled(registry) - settledBefore).isEqualTo(1.0);
        assertThat(overrun(registry).count() - overrunsBefore).isEqualTo(1);
        assertThat(overrun(registry).totalAmount() - overrunTokensBefore).isEqualTo(5_000.0);
    }

    /**
     * Settling locks the batch's reserving users until the metering transaction commits: it comes
     * last, so that a reservation of theirs does not also wait while the batch prices and encodes
     * its records.
     */
    @Test
    void aReservationOfABatchsUserIsDecidedWhileTheBatchAnnouncesItsRecords() throws Exception {
        reserve("a", 20_000, 900);
        CountDownLatch announcing = new CountDownLatch(1);
        CountDownLatch reserved = new CountDownLatch(1);
        UsageMeter slowToAnnounce =
                postgres.meter(
                        (costs, usage, crossings, at) -> {
                            announcing.countDown();
                            try {
                                reserved.await(5, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        new ReservationSettlement(postgres.store, new Logged(happened)));
        reservesBWhileSessionAIsMeteredAndPaused(slowToAnnounce, announcing, reserved);
    }

    /**
     * A batch settling a session's hold does not lock its user: another reservation of that user is
     * decided while the batch, its hold deleted, has not committed yet.
     */
    @Test
    void aReservationOfAUserWhoseHeldSessionIsBeingSettledDoesNotWaitForTheBatch()
            throws Exception {
        reserve("a", 20_000, 900);
        CountDownLatch settled = new CountDownLatch(1);
        CountDownLatch reserved = new CountDownLatch(1);
        ReservationSettlement settlement =
                new ReservationSettlement(postgres.store, new Logged(happened));
        UsageMeter slowToCommit =
                postgres.meter(
                        (counted, now) -> {
                            Runnable report = settlement.counted(counted, now);
                            settled.countDown();
                            await(reserved);
                            return report;
                        });
        reservesBWhileSessionAIsMeteredAndPaused(slowToCommit, settled, reserved);

        assertThat(happened)
                .containsExactly(
                        "granted a 20000", "granted b 1000", "settled a live=true used=25000");
    }

    /**
     * Meters session "a" (25,000 tokens, beyond its 20,000 hold) with {@code meter}, which signals
     * {@code paused} and waits for {@code resumed} before its transaction ends; reserves "b"
     * meanwhile, which must be granted within 3 s, before the batch commits.
     */
    private void reservesBWhileSessionAIsMeteredAndPaused(
            UsageMeter meter, CountDownLatch paused, CountDownLatch resumed) throws Exception {
        CompletableFuture<UsageMeter.Metered> metering =
                CompletableFuture.supplyAsync(
                        () -> meter.meter(List.of(postgres.session(user + "-a", user, 25_000))));
        assertThat(paused.await(5, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Admission> second =
                CompletableFuture.supplyAsync(() -> reserve("b", 1_000, 900));
        Admission admission = second.get(3, TimeUnit.SECONDS);
        resumed.countDown();
        metering.get(5, TimeUnit.SECONDS);

        assertThat(admission).isInstanceOf(Admission.Granted.class);
        assertThat(reservations.quotaOf(user).used()).isEqualTo(25_000);
        assertThat(reservations.quotaOf(user).held()).isEqualTo(1_000);
    }

    /**
     * The batch sees the session's hold, then the hold is released and taken again by an admission
     * that has not committed when the batch deletes: the batch waits for it under the user's lock
     * and settles the new hold, which would otherwise outlive its metered session.
     */
    @Test
    void aHoldReleasedAndTakenAgainWhileItsSessionIsMeteredIsSettled() throws Exception {
        reserve("a", 20_000, 900);
        String session = user + "-a";
        CompletableFuture<Void> takenAgain = new CompletableFuture<>();
        ReservationStore racing =
                new JdbcReservationStore(postgres.jdbc) {
                    @Override
                    public Set<String> heldSessions(Collection<String> sessionIds) {
                        Set<String> held = super.heldSessions(sessionIds);
                        if (!takenAgain.isDone()) {
                            // From another thread: this one is in the batch's transaction.
                            CompletableFuture.runAsync(() -> reservations.release(user, session))
                                    .join();
                            takenAgain.completeAsync(() -> takeAgainAndCommitLater(session));
                            sleep(200);
                        }
                        return held;
                    }
                };
        UsageMeter racingMeter =
                postgres.meter(new ReservationSettlement(racing, new Logged(happened)));

        racingMeter.meter(List.of(postgres.session(session, user, 25_000)));
        takenAgain.get(5, TimeUnit.SECONDS);

        assertThat(postgres.jdbc.queryForList("select session_id from reservation", String.class))
                .isEmpty();
        assertThat(happened)
                .containsExactly("granted a 20000", "released a", "settled a live=true used=25000");
        assertThat(reservations.quotaOf(user).used()).isEqualTo(25_000);
        assertThat(reservations.quotaOf(user).held()).isZero();
    }

    /** What an admission does for the session, committed 600 ms after it inserted the hold. */
    private Void takeAgainAndCommitLater(String session) {
        postgres.transactions.inTransaction(
                () -> {
                    postgres.jdbc.queryForList(
                            "select user_id from reservation_user where user_id = ? for update",
                            user);
                    postgres.jdbc.update(
                            "insert into reservation (session_id, user_id, tokens, expires_at,"
                                    + " created_at) values (?, ?, 20000, now() + interval '15"
                                    + " minutes', now())",
                            session,
                            user);
                    sleep(600);
                    return null;
                });
        return null;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A user's first reservation waits for the metering transactions in flight
     * (ReservationStore#addUsers). A batch of new users waits for them once, not once per user:
     * here metering keeps its table lock half a second at a time, back to back, as a busy meter
     * does, and ten new users are admitted together.
     */
    @Test
    void aBatchOfNewUsersWaitsForTheMeteringInFlightOnceNotOncePerUser() throws Exception {
        AtomicBoolean metering = new AtomicBoolean(true);
        CountDownLatch locked = new CountDownLatch(1);
        CompletableFuture<Void> busyMeter =
                CompletableFuture.runAsync(
                        () -> {
                            while (metering.get()) {
                                postgres.transactions.inTransaction(
                                        () -> {
                                            postgres.jdbc.execute(
                                                    "lock table usage_total in row exclusive mode");
                                            locked.countDown();
                                            sleep(500);
                                            return null;
                                        });
                            }
                        });
        try {
            assertThat(locked.await(5, TimeUnit.SECONDS)).isTrue();
            List<ReservationRequest> newUsers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                newUsers.add(
                        new ReservationRequest(
                                user + "-" + i,
                                user + "-" + i + "-a",
                                1_000,
                                Duration.ofMinutes(5)));
            }
            long start = System.nanoTime();
            List<Admission> admissions = reservations.reserveAll(newUsers);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(admissions).allMatch(Admission.Granted.class::isInstance);
            // Once per user would be ten waits of up to half a second each.
            assertThat(took).isLessThan(Duration.ofMillis(2_000));
        } finally {
            metering.set(false);
            busyMeter.get(5, TimeUnit.SECONDS);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double settled(SimpleMeterRegistry registry) {
        return registry.get("tokenmeter.reservations").tag("outcome", "settled").counter().count();
    }

    static DistributionSummary overrun(SimpleMeterRegistry registry) {
        return registry.get("tokenmeter.reservations.overrun.tokens").summary();
    }

    @Test
    void anUpgradeMakesRoomAtOnceAndARefusalNamesTheTierThatWouldFit() {
        meter.meter(List.of(postgres.session(user + "-spent", user, 95_000)));
        Admission refused = reserve("a", 500_000, 900);
        assertThat(refused)
                .isEqualTo(new Admission.Refused(Tier.FREE, 5_000, Optional.of(Tier.ESSENTIEL)));
        assertThat(reserve("a", 2_000_000, 900))
                .isEqualTo(new Admission.Refused(Tier.FREE, 5_000, Optional.of(Tier.PRO)));

        // The paid period started before the session: it moves into the period, which has room.
        meter.applySubscriptionChanges(
                List.of(
                        ReservationsOnPostgres.subscribed(
                                user, Tier.ESSENTIEL, START.minusSeconds(3600), START)));
        Admission granted = reserve("a", 500_000, 900);
        assertThat(granted).isInstanceOf(Admission.Granted.class);
        assertThat(((Admission.Granted) granted).remainingTokens())
                .isEqualTo(1_200_000 - 95_000 - 500_000);

        meter.applySubscriptionChanges(
                List.of(
                        ReservationsOnPostgres.subscribed(
                                user, Tier.MAX, START.minusSeconds(3600), START.plusSeconds(1))));
        assertThat(reserve("b", 30_000_000, 900))
                .isEqualTo(
                        new Admission.Refused(
                                Tier.MAX, 24_000_000 - 95_000 - 500_000, Optional.empty()));
    }

    @Test
    void freeStaysOneShotWhateverTimePasses() {
        meter.meter(List.of(postgres.session(user + "-spent", user, 100_000)));
        postgres.clock.advance(Duration.ofDays(400));
        assertThat(reserve("a", 1, 900))
                .isEqualTo(new Admission.Refused(Tier.FREE, 0, Optional.of(Tier.ESSENTIEL)));
        assertThat(reservations.quotaOf(user).allowed()).isFalse();
    }

    @Test
    void aHoldOfAnotherUserIsNotTakenOver() {
        reserve("a", 1_000, 900);
        Admission other =
                reservations.reserve(
                        new ReservationRequest(
                                "someone-else", user + "-a", 1_000, Duration.ofSeconds(900)));
        assertThat(other).isEqualTo(new Admission.HeldForAnotherUser(user + "-a"));
    }

    Admission reserve(String session, long tokens, long ttlSeconds) {
        return reservations.reserve(
                new ReservationRequest(
                        user, user + "-" + session, tokens, Duration.ofSeconds(ttlSeconds)));
    }

    /** Events as short lines, session ids without the user's prefix. */
    final class Logged implements ReservationEvents {
        final List<String> lines;

        Logged(List<String> lines) {
            this.lines = lines;
        }

        String id(Hold hold) {
            return hold.sessionId().substring(user.length() + 1);
        }

        @Override
        public void granted(Hold hold) {
            lines.add("granted " + id(hold) + " " + hold.tokens());
        }

        @Override
        public void raised(Hold hold, long previousTokens) {
            lines.add("raised " + id(hold) + " " + previousTokens + "->" + hold.tokens());
        }

        @Override
        public void refused(String userId, long tokens) {
            lines.add("refused " + tokens);
        }

        @Override
        public void released(Hold hold) {
            lines.add("released " + id(hold));
        }

        @Override
        public void expired(List<Hold> holds) {
            holds.forEach(hold -> lines.add("expired " + id(hold)));
        }

        @Override
        public void settled(Hold hold, boolean live, long usedTokens) {
            lines.add("settled " + id(hold) + " live=" + live + " used=" + usedTokens);
        }

        @Override
        public void held(long tokens) {
            lines.add("held " + tokens);
        }
    }
}
