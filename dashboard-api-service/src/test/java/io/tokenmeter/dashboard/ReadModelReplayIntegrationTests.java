package io.tokenmeter.dashboard;

import static io.tokenmeter.dashboard.States.newUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.dashboard.sessions.PricedSession;
import io.tokenmeter.dashboard.sessions.SessionHistory;
import io.tokenmeter.dashboard.status.StatusReadModel;
import io.tokenmeter.dashboard.status.SubscriptionSnapshot;
import io.tokenmeter.dashboard.status.UsageSnapshot;
import io.tokenmeter.events.SessionCost;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.schemas.Tier;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestJwts;
import io.tokenmeter.testsupport.TestKafka;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The read model converges whatever the order and duplication of the states it is fed, and a fresh
 * instance replaying the topics from the beginning into an empty database builds the same rows as
 * the live one.
 */
@IntegrationTest(
        properties = {
            "AUTH_JWT_SECRET=" + TestJwts.SECRET,
            "spring.kafka.consumer.group-id=dashboard-replay-tests-${random.uuid}"
        })
class ReadModelReplayIntegrationTests {

    static final Instant NOV = States.NOVEMBER;
    static final Instant DEC = States.DECEMBER;

    @Autowired StatusReadModel readModel;
    @Autowired SessionHistory sessions;
    @Autowired JdbcTemplate jdbc;

    /**
     * A user's life: subscribes to PRO, a payment fails, renews, a payment fails again and
     * recovers, cancels to FREE. The versions order them, as the subscription service publishes.
     */
    static List<SubscriptionSnapshot> subscriptionHistory(String user) {
        return List.of(
                subscription(user, Tier.PRO, "active", NOV, false, "2026-11-01T00:00:00Z", 10, 1),
                subscription(user, Tier.PRO, "past_due", NOV, true, "2026-11-20T00:00:00Z", 20, 2),
                // Same Stripe second as the previous one, published later.
                subscription(user, Tier.PRO, "active", NOV, false, "2026-11-20T00:00:00Z", 30, 3),
                subscription(user, Tier.PRO, "active", DEC, false, "2026-12-01T00:00:00Z", 40, 4),
                subscription(user, Tier.PRO, "past_due", DEC, true, "2026-12-05T00:00:00Z", 41, 5),
                // A re-fold ends on events older than the previous state's: the version decides.
                subscription(user, Tier.PRO, "active", DEC, false, "2026-12-03T00:00:00Z", 42, 6),
                subscription(
                        user, Tier.FREE, "canceled", null, false, "2026-12-15T00:00:00Z", 50, 7));
    }

    static List<UsageSnapshot> usageHistory(String user) {
        return List.of(
                new UsageSnapshot(user, Tier.FREE, null, null, 30_000, at(1), Tier.FREE.limit()),
                new UsageSnapshot(user, Tier.FREE, null, null, 60_000, at(2), Tier.FREE.limit()),
                new UsageSnapshot(user, Tier.PRO, NOV, DEC, 1_000, at(3), Tier.PRO.limit()),
                new UsageSnapshot(user, Tier.PRO, NOV, DEC, 2_000_000, at(4), Tier.PRO.limit()),
                // Same updated_at, higher count: usage within a period only grows.
                new UsageSnapshot(user, Tier.PRO, NOV, DEC, 2_000_500, at(4), Tier.PRO.limit()),
                new UsageSnapshot(user, Tier.PRO, DEC, null, 10, at(5), Tier.PRO.limit()),
                new UsageSnapshot(user, Tier.PRO, DEC, null, 900, at(6), Tier.PRO.limit()));
    }

    static SubscriptionSnapshot subscription(
            String user,
            Tier tier,
            String status,
            Instant periodStart,
            boolean failed,
            String eventCreated,
            int updatedAtSecond,
            long version) {
        Instant created = Instant.parse(eventCreated);
        return new SubscriptionSnapshot(
                user,
                tier,
                status,
                periodStart,
                periodStart == null ? null : periodStart.plusSeconds(30L * 86_400),
                failed,
                Instant.parse("2026-12-31T00:00:00Z").plusSeconds(updatedAtSecond),
                created,
                version);
    }

    static Instant at(int second) {
        return Instant.parse("2026-12-20T00:00:00Z").plusSeconds(second);
    }

    @Test
    void anyPermutationAndDuplicationOfTheStatesConvergesToTheInOrderRows() {
        String inOrder = newUser();
        readModel.applySubscriptions(subscriptionHistory(inOrder));
        readModel.applyUsage(usageHistory(inOrder));
        String expected = rowsOf(jdbc, inOrder);
        assertThat(expected).contains("canceled").contains("2000500").contains("900");

        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int run = 0; run < 60; run++) {
            String user = newUser();
            List<SubscriptionSnapshot> subscriptions =
                    shuffledWithDuplicates(subscriptionHistory(user), random);
            List<UsageSnapshot> usage = shuffledWithDuplicates(usageHistory(user), random);
            inBatches(subscriptions, random, readModel::applySubscriptions);
            inBatches(usage, random, readModel::applyUsage);

            assertThat(rowsOf(jdbc, user)).as("seed %d, run %d", seed, run).isEqualTo(expected);
        }
    }

    @Test
    void theHighestVersionWinsEvenWhenItsStripeEventsAreOlder() {
        List<SubscriptionSnapshot> untilRecovered = subscriptionHistory("x").subList(0, 6);
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int run = 0; run < 30; run++) {
            String user = newUser();
            List<SubscriptionSnapshot> history =
                    untilRecovered.stream().map(s -> withUser(s, user)).toList();
            inBatches(
                    shuffledWithDuplicates(history, random), random, readModel::applySubscriptions);

            assertThat(
                            jdbc.queryForObject(
                                    "SELECT status || ' ' || payment_failed || ' ' || version"
                                            + " FROM subscription_state WHERE user_id = ?",
                                    String.class,
                                    user))
                    .as("seed %d, run %d", seed, run)
                    .isEqualTo("active false 6");
        }
    }

    @Test
    void statesFromBeforeVersionsOrderByStripeTimeAndYieldToAnyVersionedState() {
        String user = newUser();
        SubscriptionSnapshot legacyOld =
                subscription(user, Tier.PRO, "active", NOV, false, "2026-11-01T00:00:00Z", 10, 0);
        SubscriptionSnapshot legacyNew =
                subscription(user, Tier.PRO, "past_due", NOV, true, "2026-11-20T00:00:00Z", 20, 0);
        SubscriptionSnapshot versioned =
                subscription(user, Tier.MAX, "active", NOV, false, "2026-11-10T00:00:00Z", 5, 1);

        readModel.applySubscriptions(List.of(legacyNew));
        readModel.applySubscriptions(List.of(legacyOld));
        assertThat(statusOf(user)).isEqualTo("past_due");
        readModel.applySubscriptions(List.of(versioned));
        assertThat(statusOf(user)).isEqualTo("active");
        readModel.applySubscriptions(List.of(legacyNew));
        assertThat(statusOf(user)).isEqualTo("active");
    }

    private String statusOf(String user) {
        return jdbc.queryForObject(
                "SELECT status FROM subscription_state WHERE user_id = ?", String.class, user);
    }

    private static SubscriptionSnapshot withUser(SubscriptionSnapshot s, String user) {
        return new SubscriptionSnapshot(
                user,
                s.tier(),
                s.status(),
                s.periodStart(),
                s.periodEnd(),
                s.paymentFailed(),
                s.updatedAt(),
                s.lastStripeEventCreated(),
                s.version());
    }

    @Test
    void aSessionDeliveredTwiceInOneBatchKeepsItsLastDelivery() {
        String user = newUser();
        PricedSession first = pricedSession("s_" + user, user, at(1), "0.014250");
        PricedSession repriced = pricedSession("s_" + user, user, at(1), "0.015125");
        PricedSession other = pricedSession("t_" + user, user, at(2), "0.014250");

        sessions.sessionsPriced(List.of(first, other, repriced, other));

        assertThat(sessions.costOf(user, first.sessionId())).contains(repriced);
        assertThat(sessions.costOf(user, other.sessionId())).contains(other);
        assertThat(sessionCount(jdbc, List.of(user))).isEqualTo(2);

        // Delivered again later (a replay): the same row, unchanged.
        sessions.sessionsPriced(List.of(first));
        assertThat(sessions.costOf(user, first.sessionId())).contains(first);
    }

    @Test
    void aFreshInstanceReplayingTheTopicsBuildsTheSameRows() {
        List<String> users = new ArrayList<>();
        try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
            for (int i = 0; i < 10; i++) {
                String user = newUser();
                users.add(user);
                for (SubscriptionSnapshot s : subscriptionHistory(user)) {
                    producer.send(
                            new ProducerRecord<>(Topics.SUBSCRIPTION_STATE.name(), user, avro(s)));
                }
                for (UsageSnapshot u : usageHistory(user)) {
                    producer.send(new ProducerRecord<>(Topics.USAGE_STATE.name(), user, avro(u)));
                }
                SessionCost cost = States.sessionCost("s_" + user, user, at(i));
                producer.send(new ProducerRecord<>(Topics.SESSION_COST.name(), user, cost));
                // The same session delivered twice.
                producer.send(new ProducerRecord<>(Topics.SESSION_COST.name(), user, cost));
            }
            producer.flush();
        }
        await().untilAsserted(() -> assertThat(sessionCount(jdbc, users)).isEqualTo(users.size()));
        // Every user's rows, not only the last one's: users' states travel on different partitions.
        await().untilAsserted(
                        () -> {
                            for (String user : users) {
                                assertThat(rowsOf(jdbc, user)).contains("canceled").contains("900");
                            }
                        });
        String live = allRows(jdbc, users);

        TestDatabase empty =
                TestInfrastructure.createDatabase(ReadModelReplayIntegrationTests.class);
        try (ConfigurableApplicationContext replica =
                new SpringApplicationBuilder(DashboardApiApplication.class)
                        .run(
                                // Arguments outrank application.yml (server.port=8080).
                                "--server.port=0",
                                "--AUTH_JWT_SECRET=" + TestJwts.SECRET,
                                "--spring.kafka.bootstrap-servers="
                                        + TestInfrastructure.kafkaBootstrapServers(),
                                "--spring.kafka.consumer.group-id=dashboard-replica-"
                                        + UUID.randomUUID(),
                                "--spring.datasource.url=" + empty.jdbcUrl(),
                                "--spring.datasource.username=" + empty.username(),
                                "--spring.datasource.password=" + empty.password())) {
            JdbcTemplate replicaJdbc = replica.getBean(JdbcTemplate.class);

            await().untilAsserted(() -> assertThat(allRows(replicaJdbc, users)).isEqualTo(live));
        }
    }

    static PricedSession pricedSession(String session, String user, Instant at, String total) {
        return new PricedSession(
                session,
                user,
                at,
                4200,
                List.of(new PricedSession.Phase("grading", "gpt-4o", 3000, 500, 700, total)),
                new PricedSession.Costs("0.007500", "0.007000", "0.000625", total, "0.000625"));
    }

    static <T> List<T> shuffledWithDuplicates(List<T> history, Random random) {
        List<T> delivered = new ArrayList<>(history);
        for (T state : history) {
            if (random.nextBoolean()) {
                delivered.add(state);
            }
        }
        Collections.shuffle(delivered, random);
        return delivered;
    }

    static <T> void inBatches(
            List<T> items, Random random, java.util.function.Consumer<List<T>> apply) {
        int from = 0;
        while (from < items.size()) {
            int to = Math.min(items.size(), from + 1 + random.nextInt(3));
            apply.accept(items.subList(from, to));
            from = to;
        }
    }

    static String rowsOf(JdbcTemplate jdbc, String user) {
        Function<String, String> anonymous = rows -> rows.replace(user, "<user>");
        return anonymous.apply(
                jdbc.queryForList(
                                        "SELECT tier, status, period_start, period_end, payment_failed, updated_at,"
                                                + " last_stripe_event_created FROM subscription_state WHERE user_id = ?",
                                        user)
                                .toString()
                        + jdbc.queryForList(
                                        "SELECT bucket, tier, period_start, period_end, tokens_used, updated_at"
                                                + " FROM usage_state WHERE user_id = ? ORDER BY bucket",
                                        user)
                                .toString());
    }

    static String allRows(JdbcTemplate jdbc, List<String> users) {
        String[] ids = users.toArray(String[]::new);
        return jdbc.queryForList(
                                "SELECT * FROM subscription_state WHERE user_id = ANY(?) ORDER BY user_id",
                                (Object) ids)
                        .toString()
                + jdbc.queryForList(
                                "SELECT * FROM usage_state WHERE user_id = ANY(?) ORDER BY user_id, bucket",
                                (Object) ids)
                        .toString()
                + jdbc.queryForList(
                                "SELECT session_id, user_id, completed_at, total_tokens, phases::text,"
                                        + " total_cost_usd FROM session_cost WHERE user_id = ANY(?) ORDER BY session_id",
                                (Object) ids)
                        .toString();
    }

    static int sessionCount(JdbcTemplate jdbc, List<String> users) {
        return jdbc.queryForObject(
                "SELECT count(*) FROM session_cost WHERE user_id = ANY(?)",
                Integer.class,
                (Object) users.toArray(String[]::new));
    }

    static SubscriptionState avro(SubscriptionSnapshot s) {
        return SubscriptionState.newBuilder()
                .setUserId(s.userId())
                .setTier(s.tier().name())
                .setStatus(s.status())
                .setPeriodStart(s.periodStart())
                .setPeriodEnd(s.periodEnd())
                .setPaymentFailed(s.paymentFailed())
                .setUpdatedAt(s.updatedAt())
                .setLastStripeEventCreated(s.lastStripeEventCreated())
                .setVersion(s.version())
                .build();
    }

    static UsageState avro(UsageSnapshot u) {
        return UsageState.newBuilder()
                .setUserId(u.userId())
                .setTier(u.tier().name())
                .setPeriodStart(u.periodStart())
                .setPeriodEnd(u.periodEnd())
                .setTokensUsed(u.tokensUsed())
                .setLimit(u.tier().limit())
                .setUpdatedAt(u.updatedAt())
                .build();
    }
}
