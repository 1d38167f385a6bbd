package io.tokenmeter.metering;

import static io.tokenmeter.testsupport.SessionCompletedBuilder.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.metering.usage.PhaseUsage;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.HostileRecords;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rule 8 against hostile records on every topic metering consumes (undecodable, or decodable but
 * meaningless): each is dead-lettered with its reason, the next record of its partition is metered,
 * and the service stays live.
 */
@IntegrationTest
class HostileRecordsIntegrationTests {

    static final String GROUP = "metering-hostile-" + UUID.randomUUID();

    @LocalServerPort int port;

    final String user = "u_" + UUID.randomUUID();

    @DynamicPropertySource
    static void group(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.consumer.group-id", () -> GROUP);
    }

    @Test
    void deadLettersAnAllocationBombOnSessionCompletedAndMetersTheNextSession() throws Exception {
        HostileRecords.assertDeadLetteredAndPassed(
                Topics.SESSION_COMPLETED,
                user,
                HostileRecords.allocationBomb(Topics.SESSION_COMPLETED),
                session("after-bomb-" + user).user(user).tokens(42).build(),
                GROUP,
                "1073741824");
        assertLive();
    }

    @Test
    void deadLettersAnAllocationBombOnSubscriptionStateAndAppliesTheNextState() throws Exception {
        Instant now = Instant.parse("2026-11-20T10:00:00Z");
        HostileRecords.assertDeadLetteredAndPassed(
                Topics.SUBSCRIPTION_STATE,
                user,
                HostileRecords.allocationBomb(Topics.SUBSCRIPTION_STATE),
                SubscriptionState.newBuilder()
                        .setUserId(user)
                        .setTier("FREE")
                        .setStatus("canceled")
                        .setStripeCustomerId("cus_" + user)
                        .setStripeSubscriptionId("sub_" + user)
                        .setPeriodStart(null)
                        .setPeriodEnd(null)
                        .setPaymentFailed(false)
                        .setUpdatedAt(now)
                        .setLastStripeEventCreated(now)
                        .setVersion(now.toEpochMilli())
                        .build(),
                GROUP,
                "1073741824");
        assertLive();
    }

    @Test
    void deadLettersSessionsNoPipelineCanMeanWithTheirReasonAndMetersTheRest() {
        Instant now = Instant.now();
        var manyPhases = session("phases-" + user).user(user);
        for (int i = 0; i <= SessionUsage.MAX_PHASES; i++) {
            manyPhases.phase("grading", "gpt-4o", 1, 0, 1);
        }
        List<SessionCompleted> hostile =
                List.of(
                        session("future-" + user)
                                .user(user)
                                .completedAt(now.plus(Duration.ofDays(365L * 285_000_000)))
                                .tokens(10)
                                .build(),
                        session("past-" + user)
                                .user(user)
                                .completedAt(Instant.parse("1999-12-31T00:00:00Z"))
                                .tokens(10)
                                .build(),
                        session("tokens-" + user)
                                .user(user)
                                .phase("grading", "gpt-4o", PhaseUsage.MAX_TOKENS + 1, 0, 0)
                                .build(),
                        manyPhases.build(),
                        session("model-" + user)
                                .user(user)
                                .phase("grading", "m".repeat(201), 1, 0, 0)
                                .build());
        hostile.forEach(session -> TestKafka.send(Topics.SESSION_COMPLETED, user, session));
        TestKafka.send(
                Topics.SESSION_COMPLETED,
                user,
                session("ok-" + user).user(user).completedAt(now).tokens(42).build());

        await().untilAsserted(
                        () ->
                                assertThat(TestKafka.readAll(Topics.SESSION_COST))
                                        .filteredOn(record -> user.equals(record.key()))
                                        .extracting(record -> record.value().getSessionId())
                                        .containsExactly("ok-" + user));
        await().untilAsserted(
                        () ->
                                assertThat(
                                                TestKafka.readAllRaw(
                                                                Topics.SESSION_COMPLETED
                                                                        .deadLetterTopic())
                                                        .stream()
                                                        .filter(r -> user.equals(r.key()))
                                                        .map(
                                                                r ->
                                                                        new String(
                                                                                r.headers()
                                                                                        .lastHeader(
                                                                                                "kafka_dlt-exception-message")
                                                                                        .value(),
                                                                                StandardCharsets
                                                                                        .UTF_8)))
                                        .satisfiesExactlyInAnyOrder(
                                                reason ->
                                                        assertThat(reason)
                                                                .contains("in the future"),
                                                reason ->
                                                        assertThat(reason)
                                                                .contains("is before 2020"),
                                                reason ->
                                                        assertThat(reason)
                                                                .contains("token count over"),
                                                reason ->
                                                        assertThat(reason).contains("1001 phases"),
                                                reason ->
                                                        assertThat(reason)
                                                                .contains(
                                                                        "model is 201 characters")));
        assertLive();
    }

    private void assertLive() {
        assertThat(new TestHttp(port).get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }
}
