package io.tokenmeter.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServicePorts;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestKafka;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

// Closed after the class: every instance of this service publishes to the same state topic, and
// tests that read it must see only their own instance's records.
@DirtiesContext
@IntegrationTest
class SubscriptionApplicationIntegrationTests {

    @LocalServerPort int port;
    @LocalManagementPort int managementPort;

    @Test
    void reportsHealthyWithLivenessAndReadinessGroups() {
        TestHttp http = new TestHttp(port);

        assertThat(http.get("/actuator/health").body()).contains("\"status\":\"UP\"");
        assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    /** CONTRACT §3.7: the service port serves health without details, and no other endpoint. */
    @Test
    void keepsOnlyHealthWithoutDetailsOnTheServicePort() {
        ServicePorts.assertOnlyHealthWithoutDetailsOnTheServicePort(port, managementPort);
    }

    @Test
    void exposesPrometheusMetricsTaggedWithTheApplication() {
        String metrics = new TestHttp(managementPort).get("/actuator/prometheus").body();

        assertThat(metrics)
                .contains("application=\"subscription-service\"")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void publishesItsOpenApiDocument() {
        var response = new TestHttp(port).get("/v3/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"openapi\"");
    }

    @Test
    void createsItsTopicsWithTheCataloguesSettings() {
        assertThat(TestKafka.describeTopics())
                .containsAllEntriesOf(
                        TestKafka.catalogued(
                                List.of(Topics.SUBSCRIPTION_STATE, Topics.STRIPE_WEBHOOK_EVENTS),
                                List.of(Topics.STRIPE_WEBHOOK_EVENTS)));
    }
}
