package io.tokenmeter.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class ManagementPortEnvironmentPostProcessorTests {

    @Test
    void putsTheActuatorOnTheServicePortPlus1000() {
        assertThat(managementPort(Map.of("server.port", "8083"))).isEqualTo("9083");
    }

    @Test
    void picksARandomManagementPortWhenTheServicePortIsRandom() {
        assertThat(managementPort(Map.of("server.port", "0"))).isEqualTo("0");
    }

    @Test
    void keepsAnExplicitManagementPort() {
        assertThat(managementPort(Map.of("server.port", "8083", "MANAGEMENT_SERVER_PORT", "7000")))
                .isEqualTo("7000");
    }

    private static String managementPort(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        // As the environment maps MANAGEMENT_SERVER_PORT from the process environment.
        if (properties.containsKey("MANAGEMENT_SERVER_PORT")) {
            environment
                    .getPropertySources()
                    .addFirst(
                            new MapPropertySource(
                                    "env",
                                    Map.of(
                                            "management.server.port",
                                            properties.get("MANAGEMENT_SERVER_PORT"))));
        }
        new ManagementPortEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        return environment.getProperty("management.server.port");
    }
}
