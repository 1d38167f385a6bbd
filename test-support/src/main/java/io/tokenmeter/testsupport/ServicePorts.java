package io.tokenmeter.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

/** What every service's ports must serve (CONTRACT §3.7), checked the same way for each. */
public final class ServicePorts {

    private ServicePorts() {}

    /**
     * The service port serves health without details and no other actuator endpoint; the management
     * port serves the details and Prometheus.
     */
    public static void assertOnlyHealthWithoutDetailsOnTheServicePort(
            int port, int managementPort) {
        TestHttp service = new TestHttp(port);
        TestHttp management = new TestHttp(managementPort);

        assertThat(managementPort).isNotEqualTo(port);
        assertThat(service.get("/actuator/health").body())
                .contains("\"status\":\"UP\"")
                .doesNotContain("components");
        assertThat(service.get("/actuator/health/liveness").body()).doesNotContain("components");
        assertThat(service.get("/actuator/prometheus").statusCode()).isNotEqualTo(200);
        assertThat(service.get("/actuator/info").statusCode()).isNotEqualTo(200);
        assertThat(service.get("/actuator").statusCode()).isNotEqualTo(200);
        assertThat(management.get("/actuator/health").body()).contains("components");
        assertThat(management.get("/actuator/prometheus").statusCode()).isEqualTo(200);
    }
}
