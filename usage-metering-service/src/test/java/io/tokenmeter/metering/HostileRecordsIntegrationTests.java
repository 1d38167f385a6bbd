package io.tokenmeter.metering;

import static io.tokenmeter.testsupport.SessionCompletedBuilder.session;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.HostileRecords;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rule 8 against hostile records on every topic metering consumes: each is dead-lettered with its
 * reason, the next record of its partition is metered, and the service stays live.
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

    private void assertLive() {
        assertThat(new TestHttp(port).get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }
}
