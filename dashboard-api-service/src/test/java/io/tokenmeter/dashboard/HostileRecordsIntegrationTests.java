package io.tokenmeter.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.HostileRecords;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestJwts;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rule 8 against hostile records on every topic the dashboard consumes: each is dead-lettered with
 * its reason, the next record of its partition is applied, and the service stays live.
 */
@IntegrationTest(properties = "AUTH_JWT_SECRET=" + TestJwts.SECRET)
class HostileRecordsIntegrationTests {

    static final String GROUP = "dashboard-hostile-" + UUID.randomUUID();

    @LocalServerPort int port;

    final String user = States.newUser();

    @DynamicPropertySource
    static void group(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.consumer.group-id", () -> GROUP);
    }

    @Test
    void deadLettersAnAllocationBombOnSubscriptionStateAndAppliesTheNextState() throws Exception {
        HostileRecords.assertDeadLetteredAndPassed(
                Topics.SUBSCRIPTION_STATE,
                user,
                HostileRecords.allocationBomb(Topics.SUBSCRIPTION_STATE),
                States.pro(user, States.NOVEMBER),
                GROUP,
                "1073741824");
        assertLive();
    }

    @Test
    void deadLettersAnAllocationBombOnUsageStateAndAppliesTheNextState() throws Exception {
        HostileRecords.assertDeadLetteredAndPassed(
                Topics.USAGE_STATE,
                user,
                HostileRecords.allocationBomb(Topics.USAGE_STATE),
                States.usage(user, "FREE", null, 77),
                GROUP,
                "1073741824");
        assertLive();
    }

    @Test
    void deadLettersAnAllocationBombOnSessionCostAndAppliesTheNextCost() throws Exception {
        HostileRecords.assertDeadLetteredAndPassed(
                Topics.SESSION_COST,
                user,
                HostileRecords.allocationBomb(Topics.SESSION_COST),
                States.sessionCost("s_" + user, user, States.NOVEMBER),
                GROUP,
                "1073741824");
        assertLive();
    }

    private void assertLive() {
        assertThat(new TestHttp(port).get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }
}
