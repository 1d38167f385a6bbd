package io.tokenmeter.platform.web;

import java.util.Map;
import java.util.Set;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /actuator/health} and its {@code liveness} and {@code readiness} groups on the service
 * port, status only (CONTRACT §3.7), while the actuator itself answers on the management port.
 * Spring Boot moves every actuator endpoint to the management port and maps a health group on the
 * service port only under a one-segment path, so the contract's paths are served here, from the
 * same health endpoint. {@code DOWN} and {@code OUT_OF_SERVICE} answer 503, as the actuator does.
 */
@RestController
class ServicePortHealth {

    static final Set<String> GROUPS = Set.of("liveness", "readiness");

    private final HealthEndpoint health;

    ServicePortHealth(HealthEndpoint health) {
        this.health = health;
    }

    @GetMapping(path = "/actuator/health", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> overall() {
        return answer(health.health());
    }

    @GetMapping(path = "/actuator/health/{group}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> group(@PathVariable String group) {
        HealthDescriptor descriptor = GROUPS.contains(group) ? health.healthForPath(group) : null;
        return descriptor == null ? ResponseEntity.notFound().build() : answer(descriptor);
    }

    private static ResponseEntity<Map<String, String>> answer(HealthDescriptor descriptor) {
        Status status = descriptor.getStatus();
        HttpStatus code =
                Status.DOWN.equals(status) || Status.OUT_OF_SERVICE.equals(status)
                        ? HttpStatus.SERVICE_UNAVAILABLE
                        : HttpStatus.OK;
        return ResponseEntity.status(code).body(Map.of("status", status.getCode()));
    }
}
