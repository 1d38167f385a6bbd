package io.tokenmeter.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every service shows the same way — health groups, CONTRACT §3.7's ports, Prometheus, OpenAPI
 * and its topics as the catalogue declares them — written once. A service's application test
 * extends it, is annotated {@link IntegrationTest}, and says its name and topics.
 */
public abstract class ServiceConventionsTests {

    @LocalServerPort protected int port;
    @LocalManagementPort protected int managementPort;

    private final String applicationName;
    private final List<Topic<?>> produces;
    private final List<Topic<?>> consumes;
    private final String documentedPath;

    /**
     * @param applicationName {@code spring.application.name}, the tag on every metric
     * @param produces the topics it produces to
     * @param consumes the topics it consumes (their dead-letter topics are its to create)
     * @param documentedPath a path its OpenAPI document must list
     */
    protected ServiceConventionsTests(
            String applicationName,
            List<Topic<?>> produces,
            List<Topic<?>> consumes,
            String documentedPath) {
        this.applicationName = applicationName;
        this.produces = produces;
        this.consumes = consumes;
        this.documentedPath = documentedPath;
    }

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

    /**
     * Requests are timed, without an "active" long-task timer per observation (platform's
     * defaults).
     */
    @Test
    void exposesPrometheusMetricsTaggedWithTheApplication() {
        assertThat(new TestHttp(port).get("/v3/api-docs").statusCode()).isEqualTo(200);
        String metrics = new TestHttp(managementPort).get("/actuator/prometheus").body();

        assertThat(metrics)
                .contains("application=\"" + applicationName + "\"")
                .contains("jvm_memory_used_bytes")
                .doesNotContain("_active_seconds");
    }

    @Test
    void publishesItsOpenApiDocument() {
        var response = new TestHttp(port).get("/v3/api-docs");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"openapi\"").contains("\"" + documentedPath + "\"");
    }

    @Test
    void createsItsTopicsWithTheCataloguesSettings() {
        List<Topic<?>> declared = new ArrayList<>(produces);
        consumes.stream().filter(topic -> !declared.contains(topic)).forEach(declared::add);

        assertThat(TestKafka.describeTopics())
                .containsAllEntriesOf(TestKafka.catalogued(declared, consumes));
    }
}
