package io.tokenmeter.metering;

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

@IntegrationTest
class UsageMeteringApplicationIntegrationTests {

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
                .contains("application=\"usage-metering-service\"")
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
                                List.of(
                                        Topics.USAGE_STATE,
                                        Topics.SESSION_COST,
                                        Topics.USAGE_THRESHOLD,
                                        Topics.SESSION_COMPLETED,
                                        Topics.SUBSCRIPTION_STATE),
                                List.of(Topics.SESSION_COMPLETED, Topics.SUBSCRIPTION_STATE)));
    }
}
