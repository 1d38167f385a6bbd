package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.localstack.ServiceProcess;
import io.tokenmeter.testsupport.TestHttp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The jars start against KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL and report healthy. */
class SystemStartupIntegrationTests {

    static RunningSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = RunningSystem.shared();
    }

    @Test
    void everyServiceReportsHealthyAndExposesMetrics() {
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            TestHttp http = new TestHttp(system.port(service.name()));

            assertThat(http.get("/actuator/health").body())
                    .as(service.name())
                    .contains("\"status\":\"UP\"");
            // The actuator's own port (CONTRACT §3.7): the service port + 1000.
            assertThat(
                            new TestHttp(system.port(service.name()) + 1000)
                                    .get("/actuator/prometheus")
                                    .body())
                    .as(service.name())
                    .contains("application=\"" + service.name() + "\"");
        }
    }
}
