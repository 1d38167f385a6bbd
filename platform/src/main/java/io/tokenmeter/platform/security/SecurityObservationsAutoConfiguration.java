package io.tokenmeter.platform.security;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * Spring Security observes nothing of its own. With an observation registry present it would wrap
 * each filter of the chain, the authentication and the authorization in an observation (a timer and
 * a span each, twice for an asynchronous request), which took most of the CPU of a request
 * (docs/benchmarks.md). Each request is still observed once, as {@code http.server.requests}, with
 * its status, so a refused token still shows in metrics and traces.
 */
@AutoConfiguration
@ConditionalOnClass(SecurityObservationSettings.class)
public class SecurityObservationsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
