package io.tokenmeter.subscription.state.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.testsupport.HostileRecords;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rule 8 against hostile records on the topic the subscription service consumes: dead-lettered with
 * its reason, the next event of its partition is applied, and the service stays live.
 */
@DirtiesContext
@IntegrationTest
class HostileRecordsIntegrationTests {

    static final String GROUP = "subscription-hostile-" + UUID.randomUUID();

    @LocalServerPort int port;

    @DynamicPropertySource
    static void group(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.consumer.group-id", () -> GROUP);
    }

    @Test
    void deadLettersAnAllocationBombOnStripeEventsAndAppliesTheNextEvent() throws Exception {
        String customer = "cus_" + UUID.randomUUID();
        HostileRecords.assertDeadLetteredAndPassed(
                Topics.STRIPE_WEBHOOK_EVENTS,
                customer,
                HostileRecords.allocationBomb(Topics.STRIPE_WEBHOOK_EVENTS),
                StripeEvents.record(
                        new CheckoutCompleted(
                                "evt_" + UUID.randomUUID(),
                                Instant.parse("2026-11-01T00:00:00Z"),
                                "u_" + customer,
                                customer,
                                null),
                        true),
                GROUP,
                "1073741824");
        assertThat(new TestHttp(port).get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }
}
