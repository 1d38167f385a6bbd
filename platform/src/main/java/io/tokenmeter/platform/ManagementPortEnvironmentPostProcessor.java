package io.tokenmeter.platform;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Puts the actuator on its own port (CONTRACT §3.7): {@code MANAGEMENT_SERVER_PORT} when set, else
 * the service port + {@value #OFFSET} (9083 for metering's 8083), or a random one when the service
 * port is random (tests). The service port keeps only {@code /actuator/health} and its liveness and
 * readiness groups, without details ({@code tokenmeter-defaults.yml}); Prometheus and every other
 * endpoint answer on the management port only, which is not exposed outside the cluster. Unordered,
 * it runs after the application's configuration is loaded, so that it sees each service's port.
 */
class ManagementPortEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final int OFFSET = 1000;
    static final String PROPERTY = "management.server.port";

    @Override
    public void postProcessEnvironment(
            ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(PROPERTY)) {
            return;
        }
        int servicePort = environment.getProperty("server.port", Integer.class, 8080);
        int managementPort = servicePort <= 0 ? 0 : servicePort + OFFSET;
        environment
                .getPropertySources()
                .addLast(
                        new MapPropertySource(
                                "tokenmeter-management-port", Map.of(PROPERTY, managementPort)));
    }
}
