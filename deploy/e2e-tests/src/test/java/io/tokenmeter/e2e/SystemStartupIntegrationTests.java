package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.localstack.ServiceProcess;
import io.tokenmeter.testsupport.TestHttp;
import java.nio.file.Files;
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

    /**
     * Each jar carries its ahead-of-time context and the services' JVM options start from it
     * (Spring Boot names the application "AOT-processed" when it does), and it serves as the test
     * above shows. The line of this very process: a log keeps the output of earlier runs.
     */
    @Test
    void everyServiceStartsFromTheContextPreparedAheadOfTime() throws Exception {
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            ServiceProcess process = system.process(service.name());
            assertThat(Files.readString(process.log()))
                    .as(service.name())
                    .containsPattern(
                            "Starting AOT-processed \\w+Application .* with PID "
                                    + process.pid()
                                    + " ");
        }
    }
}
