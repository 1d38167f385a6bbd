package io.tokenmeter.metering.usage;

import static io.tokenmeter.testsupport.SessionCompletedBuilder.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.SessionCost;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.events.UsageThresholdCrossed;
import io.tokenmeter.metering.pricing.Pricer;
import io.tokenmeter.metering.usage.jdbc.SpringTransactions;
import io.tokenmeter.metering.usage.kafka.InboundRecords;
import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@IntegrationTest(
        properties = {
            "spring.kafka.consumer.group-id=" + MeteringIntegrationTests.GROUP,
            "tokenmeter.metering.api-token=" + MeteringIntegrationTests.TOKEN
        })
class MeteringIntegrationTests {

    static final String GROUP = "metering-integration-tests";
    static final String TOKEN = "s3rvice-token-for-tests";
    static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant JAN = Instant.parse("2027-01-01T00:00:00Z");

    @LocalServerPort int port;
    @LocalManagementPort int managementPort;
    @Autowired JdbcTemplate jdbc;
    @Autowired KafkaListenerEndpointRegistry listeners;
    @Autowired UsageStore store;
    @Autowired PlatformTransactionManager transactionManager;
    @Autowired Pricer pricer;
    @Autowired MeterRegistry meters;

    final String user = "u_" + UUID.randomUUID();

    @Test
    void countsASessionOnceWhetherRepeatedInOneBatchOrAcrossBatches() {
        inOneBatch(
                () -> {
                    sendSession(session("s1-" + user).user(user).tokens(1_000).build());
                    sendSession(session("s1-" + user).user(user).tokens(1_000).build());
                    sendSession(session("s2-" + user).user(user).tokens(2_000).build());
                });
        await().untilAsserted(
                        () -> assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(3_000));

        sendSession(session("s1-" + user).user(user).tokens(1_000).build());
        sendSession(session("s3-" + user).user(user).tokens(4_000).build());

        await().untilAsserted(
                        () -> assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(7_000));
        await().untilAsserted(
                        () ->
                                assertThat(records(Topics.SESSION_COST, user))
                                        .extracting(cost -> cost.getSessionId())
                                        .containsExactlyInAnyOrder(
                                                "s1-" + user, "s2-" + user, "s3-" + user));
        assertThat(ledgerRows(user)).isEqualTo(3);
    }

    @Test
    void publishesTheSessionsCostWithItsBreakdown() {
        double unknownBefore = counted("tokenmeter.pricing.unknown.model.phases");
        sendSession(
                session("cost-" + user)
                        .user(user)
                        .completedAt(Instant.parse("2026-11-20T10:00:00Z"))
                        .phase("grading", "gpt-4o", 3000, 500, 700)
                        .phase("feedback", "no-such-model", 100, 0, 100)
                        .build());

        SessionCost cost =
                await().until(() -> records(Topics.SESSION_COST, user), list -> !list.isEmpty())
                        .get(0);
        assertThat(cost.getTotalTokens()).isEqualTo(4400);
        assertThat(cost.getPhases().get(0).getCostUsd()).isEqualTo("0.015125");
        assertThat(cost.getPhases().get(1).getCostUsd()).isEqualTo("0.000000");
        assertThat(cost.getCostBreakdown().getPromptCostUsd()).isEqualTo("0.007500");
        assertThat(cost.getCostBreakdown().getCachedCostUsd()).isEqualTo("0.000625");
        assertThat(cost.getCostBreakdown().getCompletionCostUsd()).isEqualTo("0.007000");
        assertThat(cost.getCostBreakdown().getTotalCostUsd()).isEqualTo("0.015125");
        assertThat(cost.getCostBreakdown().getCachedSavingsUsd()).isEqualTo("0.000625");
        assertThat(counted("tokenmeter.pricing.unknown.model.phases") - unknownBefore)
                .as("phases priced with an unknown model")
                .isEqualTo(1.0);
        assertThat(new TestHttp(managementPort).get("/actuator/prometheus").body())
                .contains("tokenmeter_pricing_unknown_model_phases_total");
    }

    @Test
    void publishesASessionsCostInTheTraceTheSessionWasDeliveredIn() {
        String traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        TestKafka.send(
                Topics.SESSION_COMPLETED,
                user,
                session("traced-" + user).user(user).tokens(1_000).build(),
                Map.of("traceparent", traceParent));

        assertThat(await().until(() -> rawCosts(user), list -> !list.isEmpty()))
                .singleElement()
                .satisfies(cost -> assertThat(traceParent(cost)).isEqualTo(traceParent));
    }

    @Test
    void publishesASessionsCostWithoutTraceWhenTheSessionsTraceHeaderIsOversized() {
        TestKafka.send(
                Topics.SESSION_COMPLETED,
                user,
                session("bloated-" + user).user(user).tokens(1_000).build(),
                Map.of("traceparent", "00-" + "a".repeat(500)));

        assertThat(await().until(() -> rawCosts(user), list -> !list.isEmpty()))
                .singleElement()
                .satisfies(cost -> assertThat(traceParent(cost)).isNull());
    }

    @Test
    void publishesASessionsCostWithoutTraceWhenTheSessionCameWithout() {
        sendSession(session("untraced-" + user).user(user).tokens(1_000).build());

        assertThat(await().until(() -> rawCosts(user), list -> !list.isEmpty()))
                .singleElement()
                .satisfies(cost -> assertThat(traceParent(cost)).isNull());
    }

    @Test
    void announcesEveryThresholdOnceEvenWhenOneBatchCrossesTwoAndAfterAReplay() throws Exception {
        inOneBatch(
                () -> {
                    sendSession(session("t1-" + user).user(user).tokens(60_000).build());
                    sendSession(session("t2-" + user).user(user).tokens(35_000).build());
                });
        await().untilAsserted(
                        () ->
                                assertThat(records(Topics.USAGE_THRESHOLD, user))
                                        .extracting(UsageThresholdCrossed::getThresholdPercent)
                                        .containsExactly(70, 90));
        sendSession(session("t3-" + user).user(user).tokens(5_000).build());
        await().untilAsserted(
                        () ->
                                assertThat(records(Topics.USAGE_THRESHOLD, user))
                                        .extracting(UsageThresholdCrossed::getThresholdPercent)
                                        .containsExactly(70, 90, 100));
        JsonNode quota = quota(user);
        assertThat(quota.get("allowed").asBoolean()).isFalse();
        assertThat(quota.get("remaining_tokens").asLong()).isZero();
        int costs = records(Topics.SESSION_COST, user).size();

        // A crash after the database commit but before the offset commit redelivers what was
        // already counted; a replay from offset 0 does the same for everything.
        rewindToTheBeginning();

        assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(100_000);
        assertThat(ledgerRows(user)).isEqualTo(3);
        assertThat(records(Topics.USAGE_THRESHOLD, user)).hasSize(3);
        assertThat(records(Topics.SESSION_COST, user)).hasSize(costs);
        assertThat(
                        records(Topics.USAGE_STATE, user)
                                .get(records(Topics.USAGE_STATE, user).size() - 1)
                                .getTokensUsed())
                .isEqualTo(100_000);
    }

    /**
     * A crash after a batch's database commit but before its Kafka commit: the database counted the
     * sessions and recorded the crossings, and nothing the batch sent ever became visible. The
     * batch is delivered again: it counts nothing twice and announces all of it, once.
     */
    @Test
    void announcesOnceWhatABatchCountedButNeverCommittedToKafka() throws Exception {
        var container = listeners.getListenerContainer("session-completed");
        container.stop();
        List<SessionCompleted> sessions =
                List.of(
                        session("lost-1-" + user).user(user).tokens(60_000).build(),
                        session("lost-2-" + user).user(user).tokens(35_000).build());
        List<SessionUsage> delivered = new ArrayList<>();
        try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
            for (SessionCompleted session : sessions) {
                RecordMetadata sent =
                        producer.send(
                                        new ProducerRecord<>(
                                                Topics.SESSION_COMPLETED.name(), user, session))
                                .get(10, TimeUnit.SECONDS);
                // What the listener would have made of it.
                delivered.add(
                        InboundRecords.session(
                                new ConsumerRecord<>(
                                        sent.topic(),
                                        sent.partition(),
                                        sent.offset(),
                                        user,
                                        (Object) session),
                                Clock.systemUTC()));
            }
        }
        // The lost batch's database transaction, publishing nothing.
        new UsageMeter(
                        store,
                        (costs, usage, crossings, at) -> {},
                        new SpringTransactions(new TransactionTemplate(transactionManager)),
                        pricer,
                        Clock.systemUTC())
                .meter(delivered);
        assertThat(ledgerRows(user)).isEqualTo(2);
        assertThat(records(Topics.SESSION_COST, user)).isEmpty();

        container.start();

        await().untilAsserted(
                        () -> {
                            assertThat(records(Topics.SESSION_COST, user))
                                    .extracting(SessionCost::getSessionId)
                                    .containsExactlyInAnyOrder("lost-1-" + user, "lost-2-" + user);
                            assertThat(records(Topics.USAGE_THRESHOLD, user))
                                    .extracting(UsageThresholdCrossed::getThresholdPercent)
                                    .containsExactly(70, 90);
                            assertThat(lastUsageState(user).getTokensUsed()).isEqualTo(95_000);
                        });
        // A duplicate of one of them, in a record of its own, announces nothing.
        sendSession(sessions.get(0));
        sendSession(session("after-" + user).user(user).tokens(1_000).build());
        await().untilAsserted(
                        () -> assertThat(lastUsageState(user).getTokensUsed()).isEqualTo(96_000));
        assertThat(records(Topics.SESSION_COST, user)).hasSize(3);
        assertThat(records(Topics.USAGE_THRESHOLD, user)).hasSize(2);
        assertThat(ledgerRows(user)).isEqualTo(3);
        assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(96_000);
    }

    /**
     * The same crash for a subscription state: the database applied the state (a downgrade that
     * brings held-back FREE crossings due) and nothing was published. Delivered again, the state
     * announces its user's usage and those crossings, once; a duplicate of it announces nothing.
     */
    @Test
    void announcesOnceWhatAStateAppliedButNeverCommittedToKafka() throws Exception {
        sendState(paid("PRO", NOV, DEC, NOV));
        await().untilAsserted(
                        () -> assertThat(quota(user).get("tier").asString()).isEqualTo("PRO"));
        sendSession("dec-a-" + user, day(2, DEC), 75_000);
        sendSession("dec-b-" + user, day(3, DEC), 20_000);
        await().untilAsserted(
                        () -> assertThat(bucketTotals(user)).containsEntry("-infinity", 95_000L));
        awaitCaughtUp();
        assertThat(records(Topics.USAGE_THRESHOLD, user)).isEmpty();
        var container = listeners.getListenerContainer("subscription-state");
        container.stop();
        SubscriptionState downgrade = free(day(4, DEC));
        RecordMetadata sent;
        try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
            sent =
                    producer.send(
                                    new ProducerRecord<>(
                                            Topics.SUBSCRIPTION_STATE.name(), user, downgrade))
                            .get(10, TimeUnit.SECONDS);
        }
        // The lost batch's database transaction, publishing nothing.
        new UsageMeter(
                        store,
                        (costs, usage, crossings, at) -> {},
                        new SpringTransactions(new TransactionTemplate(transactionManager)),
                        pricer,
                        Clock.systemUTC())
                .applySubscriptionChanges(
                        List.of(
                                InboundRecords.subscriptionChange(
                                        new ConsumerRecord<>(
                                                sent.topic(),
                                                sent.partition(),
                                                sent.offset(),
                                                user,
                                                (Object) downgrade))));
        assertThat(quota(user).get("tier").asString()).isEqualTo("FREE");

        container.start();

        await().untilAsserted(
                        () -> {
                            assertThat(records(Topics.USAGE_THRESHOLD, user))
                                    .extracting(UsageThresholdCrossed::getThresholdPercent)
                                    .containsExactly(70, 90);
                            assertThat(lastUsageState(user).getTier()).isEqualTo("FREE");
                            assertThat(lastUsageState(user).getTokensUsed()).isEqualTo(95_000);
                        });
        // The same state again, in a record of its own: a duplicate.
        sendState(downgrade);
        sendSession("dec-c-" + user, day(3, DEC).plusSeconds(3_600), 1_000);
        await().untilAsserted(
                        () -> assertThat(lastUsageState(user).getTokensUsed()).isEqualTo(96_000));
        awaitCaughtUp();
        assertThat(records(Topics.USAGE_THRESHOLD, user)).hasSize(2);
    }

    @Test
    void announcesNoFreeThresholdForSessionsOfARenewedPeriodMeteredBeforeTheRenewalsState() {
        sendState(paid("PRO", NOV, DEC, NOV));
        await().untilAsserted(
                        () -> assertThat(quota(user).get("tier").asString()).isEqualTo("PRO"));

        // The renewal race: December's first sessions are metered before December's state, so
        // they fall into time no known period claims and count as FREE until it arrives. Each
        // would cross a FREE threshold (70, 90, 100 % of 100K).
        sendSession("dec-a-" + user, day(2, DEC), 75_000);
        sendSession("dec-b-" + user, day(3, DEC), 20_000);
        sendSession("dec-c-" + user, day(4, DEC), 4_405_000);
        await().untilAsserted(
                        () ->
                                assertThat(bucketTotals(user))
                                        .containsEntry("-infinity", 4_500_000L));
        awaitCaughtUp();
        assertThat(records(Topics.USAGE_THRESHOLD, user)).isEmpty();

        sendState(paid("PRO", DEC, JAN, DEC));

        // Everything published before this crossing is visible once it is (committed in order).
        await().untilAsserted(() -> assertThat(records(Topics.USAGE_THRESHOLD, user)).isNotEmpty());
        assertThat(records(Topics.USAGE_THRESHOLD, user))
                .singleElement()
                .satisfies(
                        crossed -> {
                            assertThat(crossed.getPeriodStart()).isEqualTo(DEC);
                            assertThat(crossed.getThresholdPercent()).isEqualTo(70);
                            assertThat(crossed.getTokensUsed()).isEqualTo(4_500_000);
                            assertThat(crossed.getLimit()).isEqualTo(6_000_000);
                        });
        JsonNode quota = quota(user);
        assertThat(quota.get("period_start").asString()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(quota.get("tokens_used").asLong()).isEqualTo(4_500_000);
        assertThat(bucketTotals(user)).containsOnlyKeys("2026-12-01");
    }

    @Test
    void announcesHeldBackFreeThresholdsOnceWhenThePaidUserIsDowngraded() {
        sendState(paid("PRO", NOV, DEC, NOV));
        await().untilAsserted(
                        () -> assertThat(quota(user).get("tier").asString()).isEqualTo("PRO"));
        sendSession("dec-a-" + user, day(2, DEC), 75_000);
        sendSession("dec-b-" + user, day(3, DEC), 20_000);
        await().untilAsserted(
                        () -> assertThat(bucketTotals(user)).containsEntry("-infinity", 95_000L));
        awaitCaughtUp();
        assertThat(records(Topics.USAGE_THRESHOLD, user)).isEmpty();

        // No renewal: the subscription ends, and the user is on FREE with what they used since.
        sendState(free(day(4, DEC)));

        await().untilAsserted(
                        () ->
                                assertThat(records(Topics.USAGE_THRESHOLD, user))
                                        .extracting(UsageThresholdCrossed::getThresholdPercent)
                                        .containsExactly(70, 90));
        assertThat(records(Topics.USAGE_THRESHOLD, user))
                .allSatisfy(
                        crossed -> {
                            assertThat(crossed.getPeriodStart()).isNull();
                            assertThat(crossed.getTokensUsed()).isEqualTo(95_000);
                            assertThat(crossed.getLimit()).isEqualTo(100_000);
                        });

        // Another FREE state (the same one again, and a later one) re-evaluates and finds both
        // recorded; the next session crosses the last threshold as usual.
        sendState(free(day(4, DEC)));
        sendState(state("FREE", "canceled", null, null, day(6, DEC)));
        // Not later than Dec 4: a session more than a day ahead of the clock is refused.
        sendSession("dec-c-" + user, day(4, DEC), 5_000);

        await().untilAsserted(
                        () ->
                                assertThat(records(Topics.USAGE_THRESHOLD, user))
                                        .extracting(UsageThresholdCrossed::getThresholdPercent)
                                        .contains(100));
        awaitCaughtUp();
        assertThat(records(Topics.USAGE_THRESHOLD, user))
                .extracting(UsageThresholdCrossed::getThresholdPercent)
                .containsExactly(70, 90, 100);
        assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(100_000);
    }

    @Test
    void countsASessionInThePeriodContainingItEvenWhenItArrivesBeforeThatPeriodsState() {
        sendSession("early-" + user, day(20, NOV), 5_000);
        sendSession(
                session("free-" + user)
                        .user(user)
                        .completedAt(day(20, NOV).minusSeconds(86_400 * 60))
                        .tokens(1_000)
                        .build());
        await().untilAsserted(
                        () -> assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(6_000));

        sendState(paid("PRO", NOV, DEC, NOV));

        await().untilAsserted(
                        () -> {
                            JsonNode quota = quota(user);
                            assertThat(quota.get("tier").asString()).isEqualTo("PRO");
                            assertThat(quota.get("tokens_used").asLong()).isEqualTo(5_000);
                            assertThat(quota.get("limit").asLong()).isEqualTo(6_000_000);
                            assertThat(quota.get("period_start").asString())
                                    .isEqualTo("2026-11-01T00:00:00Z");
                        });
        assertThat(bucketTotals(user))
                .containsEntry("-infinity", 1_000L)
                .containsEntry("2026-11-01", 5_000L);
        await().untilAsserted(
                        () -> assertThat(lastUsageState(user).getTokensUsed()).isEqualTo(5_000));
    }

    @Test
    void startsEachRenewedPeriodFromZeroAndKeepsLateSessionsInTheirOwnPeriod() {
        sendState(paid("ESSENTIEL", NOV, DEC, NOV));
        sendSession("nov-" + user, day(10, NOV), 7_000);
        await().untilAsserted(
                        () -> assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(7_000));

        sendState(paid("ESSENTIEL", DEC, JAN, DEC));
        await().untilAsserted(
                        () ->
                                assertThat(quota(user).get("period_start").asString())
                                        .isEqualTo("2026-12-01T00:00:00Z"));
        assertThat(quota(user).get("tokens_used").asLong()).isZero();

        sendSession("late-nov-" + user, day(30, NOV), 3_000);
        sendSession("dec-" + user, day(2, DEC), 500);

        await().untilAsserted(
                        () -> assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(500));
        assertThat(bucketTotals(user))
                .containsEntry("2026-11-01", 10_000L)
                .containsEntry("2026-12-01", 500L);
    }

    @Test
    void countsFreeTimeAgainstOneLifetimeAllowanceAcrossADowngradeAndBack() {
        sendSession(
                session("before-" + user)
                        .user(user)
                        .completedAt(day(1, NOV).minusSeconds(86_400))
                        .tokens(10_000)
                        .build());
        sendState(paid("PRO", NOV, DEC, NOV));
        sendSession("pro-" + user, day(5, NOV), 50_000);
        sendState(free(day(10, NOV)));
        sendSession("after-" + user, day(12, NOV), 20_000);

        await().untilAsserted(
                        () -> {
                            JsonNode quota = quota(user);
                            assertThat(quota.get("tier").asString()).isEqualTo("FREE");
                            assertThat(quota.get("tokens_used").asLong()).isEqualTo(30_000);
                            assertThat(quota.get("limit").asLong()).isEqualTo(100_000);
                            assertThat(quota.get("period_start").isNull()).isTrue();
                        });

        Instant again = day(20, NOV);
        sendState(paid("MAX", again, again.plusSeconds(86_400 * 30), again));
        sendSession("max-" + user, day(21, NOV), 1_000);

        await().untilAsserted(
                        () -> {
                            JsonNode quota = quota(user);
                            assertThat(quota.get("tier").asString()).isEqualTo("MAX");
                            assertThat(quota.get("tokens_used").asLong()).isEqualTo(1_000);
                        });
        assertThat(bucketTotals(user))
                .containsEntry("-infinity", 30_000L)
                .containsEntry("2026-11-01", 50_000L)
                .containsEntry("2026-11-20", 1_000L);
    }

    @Test
    void deadLettersInvalidAndUndecodableRecordsAndMovesOn() {
        sendSession(session("neg-" + user).user(user).phase("grading", "gpt-4o", -1, 0, 0).build());
        sendSession(session("blank-" + user).user(" ").tokens(5).build());
        TestKafka.send(Topics.SESSION_COMPLETED, user, "not avro".getBytes());
        // Each of these would fail the ledger's statement, so its whole batch, on every delivery:
        // an id longer than an index entry can be, and a character PostgreSQL's text cannot hold.
        StringBuilder longId = new StringBuilder("long-");
        while (longId.length() < 10_000) {
            longId.append(UUID.randomUUID());
        }
        sendSession(session(longId.toString()).user(user).tokens(7).build());
        sendSession(session("nul-\0-" + user).user(user).tokens(9).build());
        sendSession(session("ok-" + user).user(user).tokens(42).build());

        await().untilAsserted(
                        () -> assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(42));
        await().untilAsserted(
                        () ->
                                assertThat(
                                                TestKafka.readAllRaw(
                                                                Topics.SESSION_COMPLETED
                                                                        .deadLetterTopic())
                                                        .stream()
                                                        .filter(r -> user.equals(r.key())))
                                        .hasSize(5));
    }

    @Test
    void deadLettersASessionTooLargeToAnnounceWithoutLosingTheRestOfItsBatch() {
        // Fits on the input topic (~0.8 MB), but its cost record, a price per phase more, would
        // not fit on the output topic (~1.2 MB).
        var huge = session("huge-" + user).user(user);
        for (int i = 0; i < 45_000; i++) {
            huge.phase("grading", "gpt-4o", 1, 0, 1);
        }
        inOneBatch(
                () -> {
                    sendSession(session("before-" + user).user(user).tokens(10).build());
                    sendSession(huge.build());
                    sendSession(session("after-" + user).user(user).tokens(20).build());
                });

        await().untilAsserted(
                        () ->
                                assertThat(records(Topics.SESSION_COST, user))
                                        .extracting(cost -> cost.getSessionId())
                                        .containsExactlyInAnyOrder(
                                                "before-" + user, "after-" + user));
        assertThat(quota(user).get("tokens_used").asLong()).isEqualTo(30);
        assertThat(lastUsageState(user).getTokensUsed()).isEqualTo(30);
        List<ConsumerRecord<String, byte[]>> dead =
                await().until(
                                () ->
                                        TestKafka.readAllRaw(
                                                        Topics.SESSION_COMPLETED.deadLetterTopic())
                                                .stream()
                                                .filter(r -> user.equals(r.key()))
                                                .toList(),
                                list -> !list.isEmpty());
        assertThat(dead).hasSize(1);
        assertThat(
                        new String(
                                dead.get(0)
                                        .headers()
                                        .lastHeader("kafka_dlt-exception-message")
                                        .value(),
                                StandardCharsets.UTF_8))
                .contains("huge-" + user);
        assertThat(ledgerRows(user)).isEqualTo(2);
    }

    @Test
    void refusesQuotaQuestionsWithoutTheServiceToken() {
        TestHttp http = new TestHttp(port);

        var missing = http.get("/api/usage/" + user);
        var wrong = http.get("/api/usage/" + user, TOKEN + "x");

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("Content-Type"))
                .hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(missing.body()).contains("\"detail\"");
    }

    @Test
    void answersForAUserNobodyHasHeardOfAsFreeWithNothingUsed() {
        double allowedBefore = counted("tokenmeter.quota.decisions", "allowed", "true");
        JsonNode quota = quota(user);

        assertThat(quota.get("user_id").asString()).isEqualTo(user);
        assertThat(quota.get("tier").asString()).isEqualTo("FREE");
        assertThat(quota.get("tokens_used").asLong()).isZero();
        assertThat(quota.get("limit").asLong()).isEqualTo(100_000);
        assertThat(quota.get("remaining_tokens").asLong()).isEqualTo(100_000);
        assertThat(quota.get("allowed").asBoolean()).isTrue();
        assertThat(quota.get("period_start").isNull()).isTrue();
        assertThat(quota.get("period_end").isNull()).isTrue();
        assertThat(counted("tokenmeter.quota.decisions", "allowed", "true") - allowedBefore)
                .isEqualTo(1.0);
        assertThat(new TestHttp(managementPort).get("/actuator/prometheus").body())
                .contains("tokenmeter_quota_decisions_total{allowed=\"true\"");
    }

    // --- helpers

    /** The count of a counter (summed over tag values not given), 0 before its first increment. */
    double counted(String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    JsonNode quota(String userId) {
        var response = new TestHttp(port).get("/api/usage/" + userId, TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body());
    }

    static Instant day(int day, Instant month) {
        return month.plusSeconds(86_400L * (day - 1));
    }

    void sendSession(SpecificRecord session) {
        TestKafka.send(Topics.SESSION_COMPLETED, user, session);
    }

    /** A session of this test's user, completed at {@code completedAt}. */
    void sendSession(String sessionId, Instant completedAt, long tokens) {
        sendSession(session(sessionId).user(user).completedAt(completedAt).tokens(tokens).build());
    }

    void sendState(SubscriptionState state) {
        TestKafka.send(Topics.SUBSCRIPTION_STATE, user, state);
    }

    SubscriptionState paid(String tier, Instant start, Instant end, Instant eventAt) {
        return state(tier, "active", start, end, eventAt);
    }

    SubscriptionState free(Instant eventAt) {
        return state("FREE", "canceled", null, null, eventAt);
    }

    SubscriptionState state(String tier, String status, Instant start, Instant end, Instant at) {
        return SubscriptionState.newBuilder()
                .setUserId(user)
                .setTier(tier)
                .setStatus(status)
                .setStripeCustomerId("cus_" + user)
                .setStripeSubscriptionId("sub_" + user)
                .setPeriodStart(start)
                .setPeriodEnd(end)
                .setPaymentFailed(false)
                .setUpdatedAt(at)
                .setLastStripeEventCreated(at)
                .setVersion(at.toEpochMilli())
                .build();
    }

    /** Sends while the session listener is stopped, so that one poll returns all of it. */
    void inOneBatch(Runnable sends) {
        var container = listeners.getListenerContainer("session-completed");
        container.stop();
        sends.run();
        container.start();
    }

    <V extends SpecificRecord> List<V> records(Topic<V> topic, String key) {
        return TestKafka.readAll(topic).stream()
                .filter(record -> key.equals(record.key()))
                .map(ConsumerRecord::value)
                .toList();
    }

    static List<ConsumerRecord<String, byte[]>> rawCosts(String userId) {
        return TestKafka.readAllRaw(Topics.SESSION_COST.name()).stream()
                .filter(record -> userId.equals(record.key()))
                .toList();
    }

    static String traceParent(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader("traceparent");
        return header == null ? null : new String(header.value(), StandardCharsets.US_ASCII);
    }

    UsageState lastUsageState(String userId) {
        List<UsageState> states = records(Topics.USAGE_STATE, userId);
        assertThat(states).isNotEmpty();
        return states.get(states.size() - 1);
    }

    /**
     * Waits until the listeners consumed everything sent so far and committed it, with what they
     * announced (in the same Kafka transactions).
     */
    void awaitCaughtUp() {
        await().until(
                        () ->
                                TestKafka.groupCaughtUp(
                                        GROUP,
                                        List.of(
                                                Topics.SESSION_COMPLETED,
                                                Topics.SUBSCRIPTION_STATE)));
    }

    int ledgerRows(String userId) {
        return jdbc.queryForObject(
                "select count(*) from session_ledger where user_id = ?", Integer.class, userId);
    }

    Map<String, Long> bucketTotals(String userId) {
        return jdbc
                .queryForList(
                        "select case when period_start = '-infinity' then '-infinity'"
                                + " else to_char(period_start at time zone 'UTC', 'YYYY-MM-DD') end as bucket,"
                                + " tokens from usage_total where user_id = ?",
                        userId)
                .stream()
                .collect(
                        Collectors.toMap(
                                row -> (String) row.get("bucket"),
                                row -> ((Number) row.get("tokens")).longValue()));
    }

    /** Stops the consumers, moves the group back to offset 0 and waits until it caught up. */
    void rewindToTheBeginning() throws Exception {
        // Every member must leave the group before its offsets can be moved.
        listeners.stop();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                TestInfrastructure.kafkaBootstrapServers()))) {
            String topic = Topics.SESSION_COMPLETED.name();
            Map<TopicPartition, OffsetAndMetadata> beginning =
                    java.util.stream.IntStream.range(0, Topics.SESSION_COMPLETED.partitions())
                            .boxed()
                            .collect(
                                    Collectors.toMap(
                                            p -> new TopicPartition(topic, p),
                                            p -> new OffsetAndMetadata(0)));
            // The group may take a moment to notice its last member left.
            await().ignoreExceptions()
                    .untilAsserted(
                            () ->
                                    admin.alterConsumerGroupOffsets(GROUP, beginning)
                                            .all()
                                            .get(10, TimeUnit.SECONDS));
            listeners.start();
            Map<TopicPartition, Long> end =
                    admin
                            .listOffsets(
                                    beginning.keySet().stream()
                                            .collect(
                                                    Collectors.toMap(
                                                            tp -> tp, tp -> OffsetSpec.latest())))
                            .all()
                            .get(10, TimeUnit.SECONDS)
                            .entrySet()
                            .stream()
                            .collect(
                                    Collectors.toMap(
                                            Map.Entry::getKey, e -> e.getValue().offset()));
            await().untilAsserted(
                            () -> {
                                var committed =
                                        admin.listConsumerGroupOffsets(GROUP)
                                                .partitionsToOffsetAndMetadata()
                                                .get(10, TimeUnit.SECONDS);
                                end.forEach(
                                        (tp, offset) ->
                                                assertThat(committed.get(tp))
                                                        .isNotNull()
                                                        .extracting(OffsetAndMetadata::offset)
                                                        .isEqualTo(offset));
                            });
        }
        // Whatever the replay might (wrongly) have announced is visible by now: the offsets above
        // were committed in the transactions that carried it.
    }
}
